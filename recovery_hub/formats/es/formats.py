"""Spanish date styles (see the English module for what each is used for)."""

DATE_FORMAT = "j b Y"  # 3 dic 2026
DATETIME_FORMAT = "j b Y, H:i"  # 3 dic 2026, 18:00
TIME_FORMAT = "H:i"  # 18:00
MONTH_DAY_FORMAT = "j b"  # 3 dic
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = "F \\d\\e Y"
