"""Twins of the updates pages (Step 14): the person's, the chart's and the supporter's feed."""

TWINS = {
    "updates:mine": ("api:my-updates",),
    "updates:delete": ("api:my-update",),
    "updates:reply_hide": ("api:my-update-reply-hide",),
    "updates:reply_unhide": ("api:my-update-reply-hide",),
    "updates:patient": ("api:patient-updates",),
    "updates:feed": ("api:supporter-updates",),
    "updates:react": ("api:supporter-update-reaction",),
    "updates:reply": ("api:supporter-update-replies",),
    "updates:photo": ("api:update-photo",),
}
