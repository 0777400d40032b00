"""Twins of Step 14's milestones page: the countdown and badges, and what use
cost (money and hours regained), both the person's own under /api/v1/me/."""

TWINS = {
    "coping:my_milestones": ("api:me-milestones", "api:me-use-cost"),
}
