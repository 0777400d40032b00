"""The database cache's table (settings.CACHES without Redis), created with the schema so a
fresh clone, the demo, the tests and CI never need a separate `createcachetable` step. Created
whatever the cache is today, so switching from Redis to the database later just works."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "django_cache"


def create_cache_table(apps, schema_editor):
    if CACHE_TABLE not in schema_editor.connection.introspection.table_names():
        command = CreateCacheTable()
        command.verbosity = 0
        command.create_table(schema_editor.connection.alias, CACHE_TABLE, False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("recovery_hub", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
