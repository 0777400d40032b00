"""Twins of Step 13's pages: calendar feeds, the FHIR export and webhooks."""

from tests.api.twins import Why

CALENDAR_FILE = Why(
    "An .ics file for a calendar app to open, not data to act on; the appointment and the "
    "help task themselves are read through their own endpoints."
)

TWINS = {
    "calendars:feed": Why(
        "The feed is itself the machine-readable answer: a calendar server polls it with the "
        "token in its URL, no sign-in."
    ),
    "calendars:appointment_ics": CALENDAR_FILE,
    "calendars:help_task_ics": CALENDAR_FILE,
    "calendars:my_calendar": ("api:calendar-feeds",),
    "calendars:my_calendar_rotate": ("api:calendar-feed-rotate",),
    "calendars:supporter_calendar": ("api:calendar-feeds",),
    "calendars:supporter_calendar_rotate": ("api:calendar-feed-rotate",),
    "interop:fhir_export": ("api:fhir-export",),
    "webhooks:endpoints": ("api:webhook-list",),
    "webhooks:endpoint_new": ("api:webhook-list",),
    "webhooks:endpoint_created": ("api:webhook-list",),
    "webhooks:endpoint_edit": ("api:webhook-detail",),
    "webhooks:endpoint_active": ("api:webhook-detail",),
    "webhooks:endpoint_delete": ("api:webhook-detail",),
    "webhooks:endpoint_test": ("api:webhook-test",),
    "webhooks:deliveries": ("api:webhook-deliveries",),
}
