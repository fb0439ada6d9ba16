"""The public online questionnaire: question sets, abuse rules, use cases."""
