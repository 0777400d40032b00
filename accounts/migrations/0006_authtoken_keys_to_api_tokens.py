"""The clear-text tokens of rest_framework.authtoken become hashed API tokens.

Each existing key is kept working (clients change nothing) but only its knox digest is stored,
as "Migrated token", expiring after API_TOKEN_DAYS from now; the clear-text rows are then
deleted. rest_framework.authtoken is no longer installed, so its table is read with SQL, if it
exists (a new database never had it). Its empty table is left in place.
"""

from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings

OLD_TABLE = "authtoken_token"


def hash_clear_text_tokens(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if OLD_TABLE not in connection.introspection.table_names(cursor):
            return
        table = schema_editor.quote_name(OLD_TABLE)
        key_column = schema_editor.quote_name("key")
        cursor.execute(f"SELECT {key_column}, user_id, created FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
        ApiToken = apps.get_model("accounts", "ApiToken")
        expiry = timezone.now() + knox_settings.TOKEN_TTL
        for key, user_id, created in rows:
            token = ApiToken(
                user_id=user_id,
                token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
                digest=hash_token(key),
                name="Migrated token",
                expiry=expiry,
            )
            token.save()
            # auto_now_add set "now"; keep when the key was really made.
            ApiToken.objects.filter(pk=token.pk).update(created=created)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api_tokens_session_generation"),
    ]

    operations = [
        migrations.RunPython(hash_clear_text_tokens, migrations.RunPython.noop),
    ]
