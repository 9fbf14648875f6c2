"""Carry the keys of DRF's plain token table over to ``ApiToken`` (digest only), then delete them.

Carried tokens keep working for the same users: read and write (what they could do before), valid
for ``API_TOKEN_DAYS`` from the migration. Accounts that need a second factor are not waived: their
old tokens stop working until an administrator issues one explicitly (``issue_token``).
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def carry_over(apps, schema_editor):  # type: ignore[no-untyped-def]
    old = apps.get_model("authtoken", "Token")
    new = apps.get_model("accounts", "ApiToken")
    expires = timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)
    for token in old.objects.all():
        new.objects.create(user_id=token.user_id, name="Khóa API cũ (chuyển đổi)",
                           key_digest=hashlib.sha256(token.key.encode()).hexdigest(), prefix=token.key[:8],
                           scope="read_write", expires_at=expires)
    old.objects.all().delete()  # plain keys must not linger in the database


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
