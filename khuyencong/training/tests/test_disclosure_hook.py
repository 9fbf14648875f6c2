"""The access log of this app is the one framework exports write to (core.disclosure)."""

import pytest

from khuyencong.core import disclosure
from khuyencong.training.models import AccessKind, PersonalDataAccess

pytestmark = pytest.mark.django_db


def test_every_framework_disclosure_kind_is_a_kind_of_the_access_log():
    assert {kind.value for kind in disclosure.Kind} <= set(AccessKind.values)


def test_a_framework_disclosure_is_a_row_of_the_access_log(personas):
    officer = personas["province_officer"]
    disclosure.log(actor=officer, kind=disclosure.Kind.LIST_EXPORT, subject="Xuất danh sách /dao-tao/", count=3)
    entry = PersonalDataAccess.objects.get()
    assert (entry.actor, entry.kind, entry.count) == (officer, AccessKind.LIST_EXPORT, 3)
