"""What each party owes in a campaign, its deadlines and the reminders sent about it."""
