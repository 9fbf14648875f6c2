"""The audit trail: readable by auditors, closed to others, and not editable through the app."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from khuyencong.establishments.services import establishment_update


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("persona", "status"), [("auditor", 200), ("province_admin", 200),
                                                  ("province_officer", 403), ("commune_officer_a", 403),
                                                  ("council_member", 403), ("establishment_rep", 403),
                                                  ("outsider", 403)])
def test_who_may_read_the_audit_trail(personas, persona: str, status: int) -> None:
    client = client_for(personas[persona])
    assert client.get("/nhat-ky/truy-cap-du-lieu-ca-nhan/").status_code == status
    assert client.get("/nhat-ky/thay-doi/").status_code == status


def test_changes_show_who_changed_a_record(personas, est_a) -> None:
    establishment_update(actor=personas["province_officer"], establishment=est_a, data={"employees": 9},
                         expected_version=1)
    html = client_for(personas["auditor"]).get("/nhat-ky/thay-doi/establishments.establishment/",
                                                {"username": "officer"}).content.decode()
    # The row itself names the officer as the author of the change (the filter box also holds "officer").
    row = rf"<td>officer</td><td>Sửa</td><td>#{est_a.pk} [^<]*{re.escape(est_a.name)}"
    assert re.search(row, html), html


def test_access_log_lists_unmasked_id_views(personas) -> None:
    from khuyencong.training.models import PersonalDataAccess
    from khuyencong.training.tests.conftest import make_person

    person = make_person("Trần Thị Bảo Mật")
    PersonalDataAccess.objects.create(actor=personas["province_officer"], person=person, kind="unmasked_id")
    html = client_for(personas["auditor"]).get("/nhat-ky/truy-cap-du-lieu-ca-nhan/", {"text": "bao mat"})
    assert "Trần Thị Bảo Mật" in html.content.decode() and "officer" in html.content.decode()


def test_unknown_model_is_404(personas) -> None:
    assert client_for(personas["auditor"]).get("/nhat-ky/thay-doi/accounts.nope/").status_code == 404


def test_no_admin_page_can_change_or_delete_audit_records(personas) -> None:
    request = RequestFactory().get("/admin/")
    request.user = personas["province_admin"]
    request.user.is_superuser = request.user.is_staff = True
    for model, model_admin in admin.site._registry.items():
        name = model.__name__
        if name.startswith("Historical") or name in {"PersonalDataAccess", "ParticipationEvent", "SchemeEvent",
                                                     "RoundEvent"}:
            assert not model_admin.has_change_permission(request), name
            assert not model_admin.has_delete_permission(request), name
