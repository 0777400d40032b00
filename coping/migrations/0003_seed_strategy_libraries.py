"""Give every existing clinic the starter coping-strategy library (new clinics get it from the
post_save receiver in coping/signals.py). Safe to run on clinics that already have strategies:
a strategy with the same category and title is left as the clinic keeps it."""

from django.db import migrations

from coping.library import STRATEGY_LIBRARY


def seed_existing_clinics(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    Strategy = apps.get_model("coping", "Strategy")
    for clinic in Organization.objects.all().iterator():
        existing = set(Strategy.objects.filter(clinic=clinic).values_list("category", "title"))
        Strategy.objects.bulk_create(
            [
                Strategy(clinic=clinic, category=category, title=title, description=description)
                for category, strategies in STRATEGY_LIBRARY.items()
                for title, description in strategies
                if (category, title) not in existing
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_clinic_settings"),
        ("coping", "0002_plans_and_assessments"),
    ]

    operations = [
        migrations.RunPython(seed_existing_clinics, migrations.RunPython.noop),
    ]
