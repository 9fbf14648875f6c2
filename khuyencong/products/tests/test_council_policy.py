"""Who may organise a round and who may be seated on its council, for every role (issue 21, point 2).

The scenario that must not happen again: a commune officer creates a round, seats itself and an
establishment representative as jurors and the auditor as secretary; the representative scores a
dossier he cannot read and the auditor starts, closes and decides the round with an API token.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from khuyencong.core.errors import PermissionDeniedError
from khuyencong.products import selectors, services
from khuyencong.products.models import CouncilMember, MemberRole, RoundStatus, SelectionRound
from khuyencong.products.tests.conftest import make_round, sheet
from khuyencong.testing.fixtures import COMMUNE_A, unit

pytestmark = pytest.mark.django_db

SEATABLE = {"province_admin": True, "province_officer": True, "council_member": True,
            "commune_officer_a": False, "commune_officer_b": False, "establishment_rep": False,
            "auditor": False, "outsider": False}


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(("persona", "allowed"), SEATABLE.items())
def test_only_council_capable_accounts_may_be_seated(personas, district, persona, allowed) -> None:
    officer = personas["province_officer"]
    council = services.council_create(actor=officer, selection_round=make_round(officer, organiser=district),
                                      name="Hội đồng")
    seat = lambda: services.council_member_add(  # noqa: E731
        actor=personas["province_officer"], council=council, user=personas[persona], role=MemberRole.MEMBER)
    if allowed:
        assert seat().user == personas[persona]
    else:
        with pytest.raises(ValidationError) as error:
            seat()
        assert "user" in error.value.message_dict
        assert not CouncilMember.objects.filter(council=council, user=personas[persona]).exists()


# persona → may create a commune-level 2026 round organised by commune A
COMMUNE_ROUND = {"province_admin": True, "province_officer": True, "commune_officer_a": True,
                 "commune_officer_b": False, "council_member": False, "establishment_rep": False,
                 "auditor": False, "outsider": False}


def _commune_round(actor, organiser):  # type: ignore[no-untyped-def]
    return make_round(actor, year=2026, level_code="commune", organiser=organiser, deadline=dt.date(2026, 9, 30))


@pytest.mark.parametrize(("persona", "allowed"), COMMUNE_ROUND.items())
def test_who_may_create_a_commune_round(personas, persona, allowed) -> None:
    if allowed:
        assert _commune_round(personas[persona], unit(COMMUNE_A)).status == RoundStatus.OPEN
    else:
        with pytest.raises(PermissionDeniedError):
            _commune_round(personas[persona], unit(COMMUNE_A))
        assert not SelectionRound.objects.exists()


def test_a_commune_officer_may_not_create_a_round_without_an_organiser_or_of_another_level(personas,
                                                                                            district) -> None:
    officer = personas["commune_officer_a"]
    with pytest.raises(PermissionDeniedError):
        _commune_round(officer, None)
    with pytest.raises(PermissionDeniedError):
        make_round(officer, year=2016, level_code="district", organiser=district)
    with pytest.raises(PermissionDeniedError):
        make_round(officer, year=2026, level_code="province", organiser=None, deadline=dt.date(2026, 9, 30))
    assert not SelectionRound.objects.exists()


def test_the_issue_scenario_through_the_api(personas) -> None:
    """The commune officer's round: it may not seat itself, the representative or the auditor."""
    officer = personas["commune_officer_a"]
    client = api_for(officer)
    created = client.post("/api/v1/rounds", {
        "name": "Bình chọn cấp xã 2026", "level": _commune_level_id(), "organiser_code": COMMUNE_A,
        "year": 2026, "plan_document_no": "1/KH", "dossier_deadline": "2026-09-30", "rule_set": _rule_set_id(),
    }, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post(f"/api/v1/rounds/{pk}/council", {"name": "Hội đồng xã"}, format="json").status_code == 201
    for persona, role in (("commune_officer_a", "juror"), ("establishment_rep", "juror"), ("auditor", "secretary")):
        response = client.post(f"/api/v1/rounds/{pk}/members", {"user": personas[persona].username, "role": role},
                               format="json")
        assert response.status_code == 400, (persona, response.content)
        assert "user" in response.json()
    assert not CouncilMember.objects.filter(council__round_id=pk).exists()


def _commune_level_id() -> int:
    from khuyencong.products.tests.conftest import level

    return level("commune", dt.date(2026, 9, 30)).pk


def _rule_set_id() -> int:
    from khuyencong.products.models import RuleSet

    return RuleSet.objects.get().pk


def test_a_seat_held_by_a_representative_or_the_auditor_gives_no_power(personas, scoring_round, jury) -> None:
    """Seats written before the rule (or by hand) count for nothing: no scoring, no round transitions."""
    council = scoring_round.council
    CouncilMember.objects.create(council=council, user=personas["establishment_rep"], role=MemberRole.JUROR)
    council.members.filter(role=MemberRole.SECRETARY).delete()
    CouncilMember.objects.create(council=council, user=personas["auditor"], role=MemberRole.SECRETARY)
    nomination = scoring_round.nominations.first()
    rep = api_for(personas["establishment_rep"])
    scored = rep.post(f"/api/v1/nominations/{nomination.pk}/scores", {"points": {k: str(v) for k, v in
                                                                                sheet(80).items()}}, format="json")
    assert scored.status_code == 403, scored.content
    auditor = api_for(personas["auditor"])
    for action in ("close", "approve", "decide"):
        response = auditor.post(f"/api/v1/rounds/{scoring_round.pk}/{action}",
                                {"note": "x", "number": "1/QĐ", "decided_on": "2016-09-01"}, format="json")
        assert response.status_code == 403, (action, response.content)
    scoring_round.refresh_from_db()
    assert scoring_round.status == RoundStatus.SCORING
    assert not nomination.scores.exists()


def test_the_auditor_never_writes_even_where_an_app_policy_would_let_it(personas, est_a) -> None:
    """The last guard under every service: a save attributed to the auditor is refused."""
    from khuyencong.core.services import delete_record, save_changes, save_new
    from khuyencong.products.models import Product
    from khuyencong.products.tests.conftest import group

    auditor = personas["auditor"]
    with pytest.raises(PermissionDeniedError):
        save_new(Product(establishment=est_a, name="Sản phẩm", group=group("handicrafts")), actor=auditor)
    est_a.notes = "đổi"
    with pytest.raises(PermissionDeniedError):
        save_changes(est_a, actor=auditor, expected_version=est_a.version)
    with pytest.raises(PermissionDeniedError):
        delete_record(est_a, actor=auditor)
    est_a.refresh_from_db()
    assert est_a.notes != "đổi"


def test_every_juror_reads_every_dossier_they_score(scoring_round, jury, personas, est_b) -> None:
    """A province officer seated as juror and the council-member jurors all read their queue's dossiers."""
    for user in (jury["j1"], jury["j2"], jury["j3"]):
        queue = set(selectors.juror_queue(user, scoring_round).values_list("pk", flat=True))
        readable = set(selectors.nominations_for(user).values_list("pk", flat=True))
        assert queue and queue <= readable
    for nomination in scoring_round.nominations.all():
        services.score_sheet_submit(actor=jury["j1"], nomination=nomination, points=sheet(80))
    assert scoring_round.nominations.first().scores.filter(member__user=jury["j1"]).count() == 4


def test_the_member_form_offers_only_seatable_accounts(personas) -> None:
    from khuyencong.products.forms import MemberForm

    offered = set(MemberForm().fields["user"].queryset.values_list("username", flat=True))
    assert offered == {personas[p].username for p, ok in SEATABLE.items() if ok}


def test_the_jurors_list_offers_only_rounds_in_scoring(scoring_round, jury) -> None:
    """A closed round's dossiers can no longer be scored, so "Hồ sơ tôi cần chấm" leaves them out."""
    juror = jury["j1"]
    assert set(selectors.juror_queue(juror)) == set(scoring_round.nominations.all())
    for closed in (RoundStatus.SCORING_CLOSED, RoundStatus.COUNCIL_APPROVED, RoundStatus.DECIDED):
        SelectionRound.objects.filter(pk=scoring_round.pk).update(status=closed)
        assert not selectors.juror_queue(juror).exists(), closed
    # Within a round, the juror still finds their dossiers after scoring closed.
    assert selectors.juror_queue(juror, scoring_round).exists()


def test_no_page_title_holds_markup() -> None:
    """A ``{% block title %}`` left open swallowed a whole card into the round page's <title> (shown raw in the
    browser tab, missing from the page). Every template's title block is text only."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for template in (Path(settings.BASE_DIR) / "khuyencong").rglob("templates/**/*.html"):
        for title in re.findall(r"{% block title %}(.*?){% endblock", template.read_text(encoding="utf-8"), re.S):
            if "<" in title:
                offenders.append(template.name)
    assert offenders == []
