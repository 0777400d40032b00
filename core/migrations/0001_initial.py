"""WorkerHeartbeat moves from recovery_hub to core in the migration state only: its table
(recovery_hub_workerheartbeat, made by recovery_hub 0001) stays where it is, with its rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("recovery_hub", "0002_cache_table")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkerHeartbeat",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("hostname", models.CharField(max_length=255, verbose_name="worker")),
                        (
                            "ran_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="ran at"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "worker heartbeat",
                        "verbose_name_plural": "worker heartbeats",
                        "ordering": ["-ran_at"],
                        "db_table": "recovery_hub_workerheartbeat",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
