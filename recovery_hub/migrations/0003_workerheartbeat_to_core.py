"""WorkerHeartbeat now belongs to core (core 0001): removed from this app's state only, so its
table and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("recovery_hub", "0002_cache_table"), ("core", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WorkerHeartbeat")],
            database_operations=[],
        ),
    ]
