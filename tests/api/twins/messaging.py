"""Twins of the secure messages pages (Step 14)."""

TWINS = {
    "messaging:mine": ("api:me-messages",),
    "messaging:supporter": ("api:supporter-patient-messages",),
    "messaging:inbox": ("api:patient-message-threads", "api:messages-unread"),
    "messaging:patient": (
        "api:patient-message-threads",
        "api:patient-message-thread",
        "api:patient-message-thread-read",
    ),
    "messaging:reply": ("api:patient-message-thread",),
    "messaging:note": ("api:patient-message-note",),
    "messaging:hours": ("api:clinic-message-hours",),
}
