"""Coping plans, daily check-ins and assessments (built in the coping-plans step)."""
