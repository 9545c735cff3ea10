"""Convert DRF's plain-text tokens (rest_framework.authtoken) into hashed ApiTokens.

Each old key keeps working (its digest is stored), then the old table with the plain-text keys is
dropped and the authtoken app's content types, permissions and migration records are removed.
Without the old table (a fresh install) this does nothing.
"""

import hashlib
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"
MIGRATED_NAME = "Token from before named tokens"


def _aware(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return timezone.now()
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt_timezone.utc)
    return value


def convert_authtoken_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {connection.ops.quote_name(OLD_TABLE)}")
        rows = cursor.fetchall()
    now = timezone.now()
    days = getattr(settings, "API_TOKEN_DEFAULT_DAYS", 90)
    for key, user_id, created in rows:
        created_at = min(_aware(created), now)
        ApiToken.objects.using(connection.alias).create(
            user_id=user_id,
            name=MIGRATED_NAME,
            prefix=key[:8],
            digest=hashlib.sha256(key.encode("utf-8")).hexdigest(),
            created_at=created_at,
            # Old keys never expired; give their holders the usual term from today to replace them.
            expires_at=max(now, created_at) + timedelta(days=days),
        )
    schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(OLD_TABLE)}")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(connection.alias).filter(app_label="authtoken").delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_tokens_and_role_labels"),
        ("contenttypes", "0002_remove_content_type_name"),
        # Deleting the old content types must also clear admin log rows that point at them.
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(convert_authtoken_tokens, migrations.RunPython.noop)]
