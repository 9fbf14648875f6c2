"""The change history on an establishment's page masks personal fields like the record (issue 21, point 6)."""

from __future__ import annotations

import pytest
from django.test import Client

from khuyencong.establishments.services import establishment_update

pytestmark = pytest.mark.django_db

OLD, NEW = "0912345678", "0987654321"
# persona → sees the representative's phone in full (accounts.policy.sees_personal_data)
FULL = {"province_admin": True, "province_officer": True, "commune_officer_a": True, "establishment_rep": True,
        "council_member": False, "auditor": False}


@pytest.mark.parametrize(("persona", "full"), FULL.items())
def test_history_masks_the_phone_like_the_record(personas, est_a, persona: str, full: bool) -> None:
    establishment_update(actor=personas["province_officer"], establishment=est_a,
                         data={"representative_phone": NEW}, expected_version=est_a.version)
    client = Client()
    client.force_login(personas[persona])
    response = client.get(f"/co-so/{est_a.pk}/")
    assert response.status_code == 200
    changes = [c for h in response.context["history"] for c in h["changes"]]
    assert changes, "the phone change must appear in the history"
    body = response.content.decode()
    for number in (OLD, NEW):
        assert (number in body) is full, (persona, number)
    if not full:
        assert "09******21" in body and "09******78" in body
