"""Settings fail safe: production refuses weak configuration; development needs no set-up at all.

Each case imports the settings in a fresh interpreter, because settings are read once per process.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO_ROOT = Path(settings.BASE_DIR)
# Variables the settings read; cleared so the developer's or CI's own values cannot leak in.
SETTINGS_VARIABLES = (
    "KHUYENCONG_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "KHUYENCONG_VAR_DIR",
    "SECURE_HSTS_PRELOAD", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "BEHIND_TLS_PROXY",
    "CSRF_TRUSTED_ORIGINS", "STATIC_ROOT", "MEDIA_ROOT",
)
SETUP_AND_DUMP = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS, 'ssl_redirect': s.SECURE_SSL_REDIRECT}))"
)
HOST = "example.gov.vn"


def strong_key() -> str:
    return secrets.token_urlsafe(48)  # 64 random characters


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONDONTWRITEBYTECODE="1", **variables)
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def start(**variables: str) -> subprocess.CompletedProcess[str]:
    return run(["-c", SETUP_AND_DUMP], **variables)


def assert_improperly_configured(result: subprocess.CompletedProcess[str], mentioning: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr, result.stderr
    assert mentioning in result.stderr.strip().splitlines()[-1], result.stderr


def test_production_without_secret_key_refuses_to_start() -> None:
    """A missing SECRET_KEY in production is an error, never a generated or default key."""
    assert_improperly_configured(start(KHUYENCONG_ENV="production", ALLOWED_HOSTS=HOST), "SECRET_KEY")


def test_production_is_the_default_environment() -> None:
    """Forgetting KHUYENCONG_ENV fails safe: the production checks apply."""
    assert_improperly_configured(start(ALLOWED_HOSTS=HOST), "SECRET_KEY")


@pytest.mark.parametrize(
    "weak_key",
    [
        "django-insecure-" + secrets.token_urlsafe(48),  # Django's startproject placeholder prefix
        secrets.token_urlsafe(24),  # random but too short
        "a" * 64,  # long but not random
    ],
    ids=["django-insecure", "short", "repetitive"],
)
def test_production_rejects_weak_secret_key(weak_key: str) -> None:
    """Production refuses keys that are placeholders, shorter than 50 characters or not random."""
    result = start(KHUYENCONG_ENV="production", SECRET_KEY=weak_key, ALLOWED_HOSTS=HOST)
    assert_improperly_configured(result, "SECRET_KEY")


def test_production_with_strong_key_and_hosts_starts() -> None:
    """A 64-character random key and ALLOWED_HOSTS are enough to start, with debug off and HTTPS on."""
    result = start(KHUYENCONG_ENV="production", SECRET_KEY=strong_key(), ALLOWED_HOSTS=HOST)
    assert result.returncode == 0, result.stderr
    dumped = json.loads(result.stdout.strip().splitlines()[-1])
    assert dumped["debug"] is False
    assert dumped["hosts"] == [HOST]
    assert dumped["ssl_redirect"] is True


@pytest.mark.parametrize("value", ["prod", "staging", "Production", "dev"])
def test_unknown_environment_name_refuses_to_start(value: str) -> None:
    """A typo in KHUYENCONG_ENV is an error rather than silently picking some level of safety."""
    result = start(KHUYENCONG_ENV=value, SECRET_KEY=strong_key(), ALLOWED_HOSTS=HOST)
    assert_improperly_configured(result, "KHUYENCONG_ENV")


def test_development_defaults_to_sqlite_file_under_var() -> None:
    """`make demo` works with no DATABASE_URL: an SQLite file in the repository's var/ directory."""
    result = start(KHUYENCONG_ENV="development")
    assert result.returncode == 0, result.stderr
    dumped = json.loads(result.stdout.strip().splitlines()[-1])
    assert dumped["engine"] == "django.db.backends.sqlite3"
    db_file = Path(dumped["name"])
    assert db_file.parent == REPO_ROOT / "var"
    assert db_file.suffix == ".sqlite3"
    assert dumped["debug"] is True


def test_deploy_checks_pass_with_production_settings(tmp_path: Path) -> None:
    """`manage.py check --deploy --fail-level WARNING` (make check-deploy) is clean in production.

    Covers every deploy warning, e.g. security.W021 needs SECURE_HSTS_PRELOAD on by default in production.
    """
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        KHUYENCONG_ENV="production", SECRET_KEY=strong_key(), ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
