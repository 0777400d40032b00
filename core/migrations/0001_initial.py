"""WorkerHeartbeat moves from recovery_hub to core in the migration state only: its table
(recovery_hub_workerheartbeat, made by recovery_hub 0001) stays where it is, with its rows. Its
content type moves with it (renamed, not made anew), so the permissions granted on it and the
admin's log entries about it follow."""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label="core", model="workerheartbeat").exists():
        return
    content_types.objects.filter(app_label="recovery_hub", model="workerheartbeat").update(
        app_label="core"
    )


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label="recovery_hub", model="workerheartbeat").exists():
        return
    content_types.objects.filter(app_label="core", model="workerheartbeat").update(
        app_label="recovery_hub"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("recovery_hub", "0002_cache_table"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

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
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
