"""Reports run by clinic admins (built in the reports step)."""
