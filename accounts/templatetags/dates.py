"""Template filters for the one date style per context: `{% load dates %}` then
`{{ when|day }}`, `{{ when|moment }}`, `{{ when|clock }}`, `{{ when|month_day }}`,
`{{ when|weekday }}`."""

from django import template

from core import dates

register = template.Library()

register.filter("day", dates.day, expects_localtime=False)
register.filter("moment", dates.moment, expects_localtime=False)
register.filter("clock", dates.clock, expects_localtime=False)
register.filter("month_day", dates.month_day, expects_localtime=False)
register.filter("weekday", dates.weekday, expects_localtime=False)
