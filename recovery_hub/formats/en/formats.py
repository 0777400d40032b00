"""English date styles: the one place that says how a date, a time and a moment are written.
Templates use the `dates` filters (accounts/templatetags/dates.py), code uses core.dates."""

DATE_FORMAT = "M j, Y"  # Dec 3, 2026
DATETIME_FORMAT = "M j, Y, g:i A"  # Dec 3, 2026, 6:00 PM
TIME_FORMAT = "g:i A"  # 6:00 PM
MONTH_DAY_FORMAT = "M j"  # Dec 3 (chart axes, days within the same year)
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
YEAR_MONTH_FORMAT = "F Y"
