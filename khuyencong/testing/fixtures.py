"""Personas used by every permission test (see docs/architecture.md, "Personas").

Commune A is today's Phường Bà Rịa (26560), commune B today's Xã Châu Đức (26596); both absorbed
pre-2025 communes of Bà Rịa – Vũng Tàu, so records registered on old communes fall under them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.accounts.models import Representation, Role, User
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import unit_by_code

TODAY = dt.date(2026, 11, 26)
OLD_DAY = dt.date(2018, 6, 1)
COMMUNE_A = "26560"  # Phường Bà Rịa (since 1 July 2025)
COMMUNE_B = "26596"  # Xã Châu Đức (since 1 July 2025)
OLD_IN_A = "26554"  # Phường Phước Nguyên, Thành phố Bà Rịa (until 30 June 2025) → Phường Bà Rịa
OLD_IN_B = "26599"  # Xã Cù Bị, Huyện Châu Đức (until 30 June 2025) → Xã Châu Đức
VALID_TAX_CODES = ["3500101107", "0100109106", "0302035520", "3502208247", "3600252847"]


def unit(code: str, on: dt.date = TODAY) -> AdministrativeUnit:
    return unit_by_code(code, on=on)


def make_user(username: str, role: str, communes: tuple[str, ...] = (), establishment=None) -> User:
    user = User.objects.create_user(username=username, password="x-Test-password-123", role=role,
                                    full_name=username)
    user.communes.set([unit(c) for c in communes])
    if establishment is not None:
        Representation.objects.create(user=user, establishment=establishment, since=OLD_DAY, source="test")
    return user


def make_establishment(name: str, commune: AdministrativeUnit, *, registered_on: dt.date = TODAY,
                       **extra) -> Establishment:
    values = {"legal_form": "household", "vsic_code": "1079", "sector_group": "agro_processing",
              "search_name": name.lower(), "registered_on": registered_on, **extra}
    from khuyencong.core.text import fold

    values["search_name"] = fold(name)
    return Establishment.objects.create(name=name, commune=commune, **values)


@pytest.fixture
def est_a(db) -> Establishment:
    """An establishment registered in 2018 on an old commune that is now inside commune A."""
    return make_establishment("Cơ sở chế biến hạt điều Phước Nguyên", unit(OLD_IN_A, OLD_DAY), registered_on=OLD_DAY,
                              representative_phone="0912345678")


@pytest.fixture
def est_b(db) -> Establishment:
    return make_establishment("Hợp tác xã mây tre đan Cù Bị", unit(OLD_IN_B, OLD_DAY), registered_on=OLD_DAY,
                              legal_form="cooperative", sector_group="handicrafts", vsic_code="1629")


@pytest.fixture
def personas(db, est_a) -> dict[str, User]:
    return {
        "province_admin": make_user("admin", Role.PROVINCE_ADMIN),
        "province_officer": make_user("officer", Role.PROVINCE_OFFICER),
        "commune_officer_a": make_user("officer_a", Role.COMMUNE_OFFICER, (COMMUNE_A,)),
        "commune_officer_b": make_user("officer_b", Role.COMMUNE_OFFICER, (COMMUNE_B,)),
        "council_member": make_user("council", Role.COUNCIL_MEMBER),
        "establishment_rep": make_user("rep", Role.ESTABLISHMENT_REP, establishment=est_a),
        "auditor": make_user("auditor", Role.AUDITOR),
        "outsider": make_user("outsider", ""),
    }


@pytest.fixture(autouse=True)
def _force_login_includes_second_factor(monkeypatch):
    """``force_login`` stands for a completed sign-in, second factor included, for users who need one.

    The two-factor flow itself is tested through the real login pages (accounts/tests/test_two_factor.py).
    """
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from khuyencong.accounts.two_factor import requires_two_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if requires_two_factor(user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _frozen_today():
    """Time stands still on TODAY so validity dates and "current" units are reproducible."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=True):
        yield
