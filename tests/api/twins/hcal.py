"""Twins of the supporter's help calendar (Step 14, helper hcal): the page reads across everyone
the supporter helps; each action calls the same service (networks.help_calendar) as the help
calendar's routes for one person (networks.api_help_calendar)."""

TWINS = {
    "networks:supporter_calendar": ("api:supporter-help-calendar",),
    "networks:supporter_calendar_claim": ("api:patient-help-occasion-claim",),
    "networks:supporter_calendar_give_back": ("api:patient-help-slot-give-back",),
    "networks:supporter_calendar_swap": ("api:patient-help-slot-swap",),
}
