"""The English catalogue is complete: ``makemessages -l en`` run on today's code leaves nothing untranslated or fuzzy.

The command runs on a copy of the catalogue (the repository's files stay untouched), from the project root as a
maintainer would run it. Vietnamese is the source language, so it needs no catalogue of its own.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - gettext tools on a copy this test made
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

import khuyencong

pytestmark = pytest.mark.skipif(not shutil.which("msgattrib"), reason="gettext is not installed")

PACKAGE = Path(khuyencong.__file__).resolve().parent


def _entries(po: Path, flag: str) -> list[str]:
    out = subprocess.run(["msgattrib", flag, "--no-wrap", str(po)], check=True, capture_output=True,  # noqa: S603, S607
                         text=True).stdout  # nosec B603 B607
    return [line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_makemessages_leaves_no_entry_untranslated_or_fuzzy(tmp_path: Path, monkeypatch) -> None:
    # A copy of the sources and the catalogue: makemessages writes next to the sources it reads.
    skip = shutil.ignore_patterns("static", "tests", "__pycache__", "*.mo")
    for part in ("khuyencong", "config"):
        shutil.copytree(PACKAGE.parent / part, tmp_path / part, ignore=skip)
    locale = tmp_path / "khuyencong" / "locale"
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[str(locale)]):
        assert settings.LOCALE_PATHS == [str(locale)]
        call_command("makemessages", "-l", "en", "--no-obsolete", "--ignore", "migrations/*", verbosity=0)
    po = locale / "en" / "LC_MESSAGES" / "django.po"
    assert po.stat().st_size > 100_000
    untranslated, fuzzy = _entries(po, "--untranslated"), _entries(po, "--only-fuzzy")
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
