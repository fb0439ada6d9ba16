"""The ministry's regional НОК plan: schedules, executions, website monitoring."""
