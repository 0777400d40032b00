"""A dated task claimed before the help calendar becomes a claim of its day (HelpSlotClaim, the
one record of who takes a dated occasion); its status and claimed_by stay as the summary."""

from django.db import migrations


def claims_from_tasks(apps, schema_editor):
    HelpTask = apps.get_model("networks", "HelpTask")
    HelpSlotClaim = apps.get_model("networks", "HelpSlotClaim")
    claimed = HelpTask.objects.filter(
        status__in=["claimed", "done"], due_on__isnull=False, claimed_by__isnull=False
    ).exclude(slot_claims__isnull=False)
    HelpSlotClaim.objects.bulk_create(
        [
            HelpSlotClaim(
                task_id=task.pk,
                occurs_on=task.due_on,
                contact_id=task.claimed_by_id,
                claimed_at=task.claimed_at or task.created_at,
            )
            for task in claimed.iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("networks", "0004_help_calendar")]

    operations = [migrations.RunPython(claims_from_tasks, migrations.RunPython.noop)]
