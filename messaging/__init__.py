"""Secure messages between a person in recovery (or, within consent, a supporter) and the care
team: one thread per patient and writer, read receipts, the clinic's hours and an answer outside
them, notifications that never carry the text."""
