"""Every unsafe operation of the published OpenAPI schema × every persona, with the status each role must get.

The operations are read from the schema, so a new POST/PUT/PATCH/DELETE fails
:func:`test_every_write_operation_has_a_payload_and_an_expectation` until someone writes down who may
call it. Each call gets a small valid body and runs inside its own savepoint that is rolled back, so
every case sees the same world: records of commune A (establishment ``est_a``, the establishment
representative's own) and of commune B (``est_b``). The target of each call is a record of commune A;
commune officer B therefore stands for "another commune's officer", and the representative writes
only for their own establishment.

The expectations are the policy, written out (they are not read from the app's policy functions, so
a policy change that opens a write fails here): the auditor, the outsider and council members outside
their juror's work never write; anonymous callers get 401/403. Allowed answers are also checked
against the response schema of the operation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from khuyencong.core.tests.schema_check import RAW, assert_matches_schema, operations
from khuyencong.testing.fixtures import COMMUNE_A, OLD_DAY, make_establishment, make_user

PERSONAS = ["province_admin", "province_officer", "commune_officer_a", "commune_officer_b", "council_member",
            "establishment_rep", "auditor", "outsider", "anonymous"]
WRITES = operations("post", "put", "patch", "delete")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class _Rollback(Exception):
    """Raised to undo one case's savepoint."""


def _world(personas: dict[str, Any], est_a: Any, est_b: Any) -> dict[str, Any]:
    """Records of commune A to act on, in the states the operations need."""
    from khuyencong.cooperation.models import Agreement, Partner
    from khuyencong.cooperation.tests.conftest import attend, make_activity, official
    from khuyencong.fairs.models import Showroom, ShowroomDisplay
    from khuyencong.fairs.tests.conftest import make_fair, make_participation
    from khuyencong.products import services as products
    from khuyencong.products.models import MemberRole
    from khuyencong.products.tests.conftest import make_product, make_round, sheet
    from khuyencong.reports import signing
    from khuyencong.reports.issuing import issued_report_issue
    from khuyencong.schemes.models import (
        AnnualPlan,
        CleanerProductionAssessment,
        CommunicationOutput,
        MachineryItem,
        Programme,
        SupportNorm,
    )
    from khuyencong.schemes.services import attachment_add, disbursement_create
    from khuyencong.schemes.tests.conftest import activity as activity_type
    from khuyencong.schemes.tests.conftest import make_scheme, walk
    from khuyencong.testing.fixtures import unit
    from khuyencong.training.tests.conftest import enrol, make_course, make_person

    admin, officer = personas["province_admin"], personas["province_officer"]
    scheme = make_scheme(admin, [est_a], code="MATRAN-01")
    programme = Programme.objects.create(name="Chương trình khuyến công quốc gia", level="national", start_year=2026,
                                         end_year=2030)
    plan = AnnualPlan.objects.create(programme=programme, year=2026, funding_source="national",
                                     approved_total=2_000_000_000)
    contracted = walk(admin, make_scheme(admin, [est_a], code="MATRAN-02"), plan, "contracted")
    kinds = {kind: make_scheme(admin, [est_a], code=f"MATRAN-{kind}", activity_type=activity_type(kind))
             for kind in ("demo_model", "communication", "cleaner_production")}
    course = make_course(organising=COMMUNE_A, title="Lớp đan lát", end=dt.date(2026, 6, 30))
    person = make_person("Trần Thị Bình", commune=COMMUNE_A)
    twin = make_person("Trần Thị Bình Hai", commune=COMMUNE_A)
    partner = Partner.objects.create(name="Đối tác Nhật", country="Nhật Bản")
    activity = make_activity(partner, organising=COMMUNE_A, title="Khảo sát")
    showroom = Showroom.objects.create(name="Điểm giới thiệu Bà Rịa", location_unit=unit(COMMUNE_A),
                                       operator="Trung tâm Khuyến công", opened_on=dt.date(2025, 8, 1))
    fair = make_fair("Hội chợ Bà Rịa", start=dt.date(2026, 3, 1))
    open_fair = make_fair("Hội chợ Châu Đức", start=dt.date(2026, 4, 1))
    # Rounds in each state an operation needs; the council member persona is juror j1 of every council.
    jurors = {"j1": personas["council_member"], **{k: make_user(k, "council_member") for k in ("j2", "j3", "sec")}}
    district = est_a.commune.parent

    def selection_round(year: int, name: str, until: str = "") -> tuple[Any, Any]:
        chosen = make_round(officer, year=year, organiser=district, quota=2)
        if not until:
            return chosen, None
        council = products.council_create(actor=officer, selection_round=chosen, name=f"Hội đồng {year}")
        products.council_member_add(actor=officer, council=council, user=jurors["sec"], role=MemberRole.SECRETARY)
        for key in ("j1", "j2", "j3"):
            products.council_member_add(actor=officer, council=council, user=jurors[key], role=MemberRole.JUROR)
        product = make_product(est_a, name, group_code="agro_food")
        nomination = products.nomination_create(actor=officer, selection_round=chosen, product=product,
                                                made_by_establishment=True, submitted_on=dt.date(year, 6, 1))
        if until == "open":
            return chosen, nomination
        products.round_start_scoring(actor=officer, selection_round=chosen)
        for key in ("j1", "j2", "j3"):
            products.score_sheet_submit(actor=jurors[key], nomination=nomination, points=sheet(80))
        if until != "scoring":
            products.round_close_scoring(actor=officer, selection_round=chosen)
        if until == "approved":
            products.round_approve(actor=officer, selection_round=chosen)
        chosen.refresh_from_db()
        return chosen, nomination

    fresh_round, _none = selection_round(2017, "")
    open_round, open_nomination = selection_round(2018, "Bánh tráng", "open")
    scoring, nomination = selection_round(2016, "Hạt điều rang muối", "scoring")
    closed, _closed = selection_round(2019, "Mắm ruốc", "closed")
    approved, _approved = selection_round(2020, "Muối tôm", "approved")
    free_juror = make_user("juror_free", "council_member")
    report = issued_report_issue(actor=admin, number="01/BC-SCT", issued_on=dt.date(2026, 11, 20),
                                 signer_name="Nguyễn Văn Ký", signer_title="Giám đốc", date_from=dt.date(2026, 1, 1),
                                 date_to=dt.date(2026, 6, 30), area_code=COMMUNE_A)
    # One row in every list a list-valued action answers (the others already have theirs).
    disbursement_create(actor=admin, scheme=contracted, date=dt.date(2026, 4, 1), amount=5_000_000, note="")
    attachment_add(actor=admin, scheme=scheme, kind="decision", upload=_pdf())
    return {
        "est_a": est_a, "est_b": est_b, "scheme": scheme, "programme": programme, "plan": plan,
        "norm": SupportNorm.objects.order_by("pk").first(),
        "machinery": MachineryItem.objects.create(scheme=scheme, name="Máy rang", quantity=1, unit_price=10_000_000),
        "communication_item": CommunicationOutput.objects.create(scheme=kinds["communication"], kind="article",
                                                                 title="Bài báo"),
        "assessment": CleanerProductionAssessment.objects.create(scheme=kinds["cleaner_production"],
                                                                 establishment=est_a,
                                                                 assessed_on=dt.date(2026, 5, 1)),
        "course": course, "person": person, "twin": twin,
        "enrolled": enrol(person, course, status="enrolled"),
        "completed": enrol(make_person("Lê Văn Cường", commune=COMMUNE_A), course),
        "partner": partner, "agreement": Agreement.objects.create(partner=partner, title="Thỏa thuận hợp tác",
                                                                  signed_on=dt.date(2025, 1, 5),
                                                                  valid_from=dt.date(2025, 1, 5)),
        "activity": activity, "attendee": attend(activity, official("Phạm Cán Bộ", commune=COMMUNE_A)),
        "official": official("Võ Công Chức", commune=COMMUNE_A),
        "fair": fair, "fair_part": make_participation(fair, est_a, notes="ghi chú"),
        "showroom": showroom,
        "display": ShowroomDisplay.objects.create(showroom=showroom, establishment=est_a,
                                                  displayed_from=dt.date(2026, 1, 1)),
        "product": nomination.product, "other_product": make_product(est_a, "Bánh phồng", group_code="agro_food"),
        "fresh_round": fresh_round, "open_round": open_round, "open_nomination": open_nomination,
        "scoring": scoring, "nomination": nomination, "closed": closed, "approved": approved,
        "free_juror": free_juror, "report": report,
        "signed": signing.sign_pdf(bytes(report.pdf), reason="Ký bằng USB token", location="Bà Rịa"),
        "spare": make_establishment("Cơ sở chưa có hồ sơ", est_a.commune, registered_on=OLD_DAY),
        "contracted": contracted, **kinds, "open_fair": open_fair,
    }


def _pdf(name: str = "tep.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


Payload = Callable[[dict[str, Any]], tuple[str, dict[str, Any], str]]
J, M = "json", "multipart"
S = "/api/v1/schemes/{id}"


def _ests(w: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Cơ sở mới", "legal_form": "household", "commune_code": COMMUNE_A, "vsic_code": "1079",
            "sector_group": "agro_processing", "version": w["est_a"].version}


def _scheme(w: dict[str, Any]) -> dict[str, Any]:
    return {"code": "MATRAN-NEW", "title": "Đề án mới", "activity_type": "machinery", "funding_source": "local",
            "implementing_unit_name": "Trung tâm", "implementing_unit_code": COMMUNE_A,
            "beneficiary_ids": [w["est_a"].pk], "version": w["scheme"].version}


def _programme(w: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Chương trình sửa", "level": "local", "start_year": 2026, "end_year": 2030,
            "version": w["programme"].version}


def _plan(w: dict[str, Any]) -> dict[str, Any]:
    return {"programme": w["programme"].pk, "year": 2027, "funding_source": "local", "approved_total": 3_000_000_000,
            "version": w["plan"].version}


def _fair(w: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Hội chợ mới", "organiser": "Sở Công Thương", "scope": "provincial", "venue_code": COMMUNE_A,
            "start_date": "2026-12-01", "end_date": "2026-12-05", "version": w["fair"].version}


def _showroom(w: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Điểm giới thiệu mới", "location_code": COMMUNE_A, "operator": "Trung tâm",
            "opened_on": "2026-01-01", "version": w["showroom"].version}


def _norm(w: dict[str, Any]) -> dict[str, Any]:
    return {"note": "Ghi chú định mức", "version": w["norm"].version}


def _at(path: str, w: dict[str, Any], key: str, **more: str) -> str:
    url = path.replace("{id}", str(w[key].pk))
    for name, ref in more.items():
        url = url.replace("{" + name + "}", str(w[ref].pk))
    return url


# (method, path) → the call: URL, body and format from the world.
PAYLOADS: dict[tuple[str, str], Payload] = {
    ("post", "/api/v1/establishments"): lambda w: ("/api/v1/establishments", _ests(w), J),
    ("put", "/api/v1/establishments/{id}"): lambda w: (_at("/api/v1/establishments/{id}", w, "est_a"), _ests(w), J),
    ("patch", "/api/v1/establishments/{id}"): lambda w: (
        _at("/api/v1/establishments/{id}", w, "est_a"), {"address": "Số 2 Mới", "version": w["est_a"].version}, J),
    ("delete", "/api/v1/establishments/{id}"): lambda w: (_at("/api/v1/establishments/{id}", w, "spare"), {}, J),
    ("post", "/api/v1/programmes"): lambda w: ("/api/v1/programmes", {**_programme(w), "start_year": 2031,
                                                                     "end_year": 2035}, J),
    ("put", "/api/v1/programmes/{id}"): lambda w: (_at("/api/v1/programmes/{id}", w, "programme"), _programme(w), J),
    ("patch", "/api/v1/programmes/{id}"): lambda w: (_at("/api/v1/programmes/{id}", w, "programme"),
                                                     {"name": "Sửa tên", "version": w["programme"].version}, J),
    ("post", "/api/v1/plans"): lambda w: ("/api/v1/plans", _plan(w), J),
    ("put", "/api/v1/plans/{id}"): lambda w: (_at("/api/v1/plans/{id}", w, "plan"), _plan(w), J),
    ("patch", "/api/v1/plans/{id}"): lambda w: (_at("/api/v1/plans/{id}", w, "plan"),
                                                {"approved_total": 3_000_000_000, "version": w["plan"].version}, J),
    ("post", "/api/v1/supportnorms"): lambda w: ("/api/v1/supportnorms", {
        "activity_type_code": "machinery", "funding_source": "local", "max_percent": "30.00",
        "legal_basis": "Nghị quyết 01/2030/NQ-HĐND", "valid_from": "2030-01-01"}, J),
    ("put", "/api/v1/supportnorms/{id}"): lambda w: (_at("/api/v1/supportnorms/{id}", w, "norm"), _norm(w), J),
    ("patch", "/api/v1/supportnorms/{id}"): lambda w: (_at("/api/v1/supportnorms/{id}", w, "norm"), _norm(w), J),
    ("post", "/api/v1/schemes"): lambda w: ("/api/v1/schemes", _scheme(w), J),
    ("put", S): lambda w: (_at(S, w, "scheme"), _scheme(w), J),
    ("patch", S): lambda w: (_at(S, w, "scheme"), {"notes": "sửa", "version": w["scheme"].version}, J),
    ("post", S + "/transition"): lambda w: (_at(S + "/transition", w, "scheme"), {
        "target": "appraised", "appraisal_score": "80", "version": w["scheme"].version}, J),
    ("post", S + "/disbursements"): lambda w: (_at(S + "/disbursements", w, "contracted"),
                                               {"date": "2026-05-01", "amount": 1_000_000}, J),
    ("post", S + "/attachments"): lambda w: (_at(S + "/attachments", w, "scheme"),
                                             {"kind": "decision", "file": _pdf()}, M),
    ("put", S + "/demonstration"): lambda w: (_at(S + "/demonstration", w, "demo_model"), {
        "host_establishment": w["est_a"].pk, "technology": "Máy rang hạt điều", "workers_employed": 3}, J),
    ("post", S + "/machinery-items"): lambda w: (_at(S + "/machinery-items", w, "scheme"),
                                                 {"name": "Máy sấy", "quantity": 1, "unit_price": 5_000_000}, J),
    ("delete", S + "/machinery-items/{item_pk}"): lambda w: (
        _at(S + "/machinery-items/{item_pk}", w, "scheme", item_pk="machinery"), {}, J),
    ("post", S + "/communication-outputs"): lambda w: (_at(S + "/communication-outputs", w, "communication"),
                                                       {"kind": "article", "title": "Phóng sự"}, J),
    ("delete", S + "/communication-outputs/{item_pk}"): lambda w: (
        _at(S + "/communication-outputs/{item_pk}", w, "communication", item_pk="communication_item"), {}, J),
    ("post", S + "/cleaner-production-assessments"): lambda w: (
        _at(S + "/cleaner-production-assessments", w, "cleaner_production"),
        {"establishment": w["est_a"].pk, "assessed_on": "2026-06-01"}, J),
    ("delete", S + "/cleaner-production-assessments/{item_pk}"): lambda w: (
        _at(S + "/cleaner-production-assessments/{item_pk}", w, "cleaner_production", item_pk="assessment"), {}, J),
    ("post", "/api/v1/courses"): lambda w: ("/api/v1/courses", {
        "code": "LOP-02", "title": "Lớp mới", "course_type": "vocational", "organiser": "Trung tâm",
        "organising_unit_code": COMMUNE_A, "start_date": "2026-07-01", "end_date": "2026-07-30"}, J),
    ("patch", "/api/v1/courses/{id}"): lambda w: (_at("/api/v1/courses/{id}", w, "course"),
                                                  {"notes": "sửa", "version": w["course"].version}, J),
    ("post", "/api/v1/courses/{id}/enrol"): lambda w: (_at("/api/v1/courses/{id}/enrol", w, "course"),
                                                       {"person_id": w["twin"].pk}, J),
    ("post", "/api/v1/persons"): lambda w: ("/api/v1/persons", {
        "full_name": "Ngô Văn Mới", "gender": "male", "commune_code": COMMUNE_A, "birth_year": 1990}, J),
    ("patch", "/api/v1/persons/{id}"): lambda w: (_at("/api/v1/persons/{id}", w, "person"),
                                                  {"ethnicity": "Kinh", "version": w["person"].version}, J),
    ("post", "/api/v1/persons/{id}/consents"): lambda w: (_at("/api/v1/persons/{id}/consents", w, "person"), {
        "purpose": "training", "basis": "consent", "given_at": "2026-11-01"}, J),
    ("post", "/api/v1/persons/{id}/export"): lambda w: (_at("/api/v1/persons/{id}/export", w, "person"), {}, J),
    ("post", "/api/v1/persons/{id}/merge"): lambda w: (_at("/api/v1/persons/{id}/merge", w, "person"),
                                                       {"merge_id": w["twin"].pk}, J),
    ("post", "/api/v1/persons/{id}/restrict"): lambda w: (_at("/api/v1/persons/{id}/restrict", w, "person"),
                                                          {"restricted": True}, J),
    ("post", "/api/v1/persons/{id}/unmask"): lambda w: (_at("/api/v1/persons/{id}/unmask", w, "person"), {}, J),
    ("post", "/api/v1/participations/{id}/complete"): lambda w: (
        _at("/api/v1/participations/{id}/complete", w, "enrolled"), {}, J),
    ("post", "/api/v1/participations/{id}/drop"): lambda w: (
        _at("/api/v1/participations/{id}/drop", w, "enrolled"), {}, J),
    ("post", "/api/v1/participations/{id}/followups"): lambda w: (
        _at("/api/v1/participations/{id}/followups", w, "completed"), {"date": "2026-09-01", "status": "employed"}, J),
    ("post", "/api/v1/partners"): lambda w: ("/api/v1/partners", {"name": "Đối tác Hàn", "country": "Hàn Quốc"}, J),
    ("patch", "/api/v1/partners/{id}"): lambda w: (_at("/api/v1/partners/{id}", w, "partner"),
                                                   {"country": "Nhật", "version": w["partner"].version}, J),
    ("post", "/api/v1/agreements"): lambda w: ("/api/v1/agreements", {
        "partner_id": w["partner"].pk, "title": "Thỏa thuận mới", "signed_on": "2026-01-01",
        "valid_from": "2026-01-01"}, J),
    ("patch", "/api/v1/agreements/{id}"): lambda w: (_at("/api/v1/agreements/{id}", w, "agreement"),
                                                     {"title": "Sửa", "version": w["agreement"].version}, J),
    ("post", "/api/v1/activities"): lambda w: ("/api/v1/activities", {
        "partner_id": w["partner"].pk, "kind": "study_tour", "title": "Hoạt động mới",
        "organising_unit_code": COMMUNE_A, "start_date": "2026-08-01", "end_date": "2026-08-05"}, J),
    ("post", "/api/v1/activities/{id}/participants"): lambda w: (
        _at("/api/v1/activities/{id}/participants", w, "activity"), {"person_id": w["official"].pk}, J),
    ("delete", "/api/v1/activities/{id}/participants/{participant_id}"): lambda w: (
        _at("/api/v1/activities/{id}/participants/{participant_id}", w, "activity", participant_id="attendee"), {}, J),
    ("post", "/api/v1/products"): lambda w: ("/api/v1/products", {
        "establishment": w["est_a"].pk, "name": "Mây tre mới", "group": "handicrafts"}, J),
    ("post", "/api/v1/products/{id}/documents"): lambda w: (_at("/api/v1/products/{id}/documents", w, "product"),
                                                            {"kind": "photo", "file": _pdf()}, M),
    ("post", "/api/v1/rounds"): lambda w: ("/api/v1/rounds", {
        "name": "Bình chọn 2015", "level": w["fresh_round"].level_id, "organiser_code": w["fresh_round"].organiser.code,
        "year": 2015, "dossier_deadline": "2015-06-30", "rule_set": w["fresh_round"].rule_set_id}, J),
    ("post", "/api/v1/rounds/{id}/start"): lambda w: (_at("/api/v1/rounds/{id}/start", w, "open_round"), {}, J),
    ("post", "/api/v1/rounds/{id}/close"): lambda w: (_at("/api/v1/rounds/{id}/close", w, "scoring"), {}, J),
    ("post", "/api/v1/rounds/{id}/approve"): lambda w: (_at("/api/v1/rounds/{id}/approve", w, "closed"), {}, J),
    ("post", "/api/v1/rounds/{id}/decide"): lambda w: (_at("/api/v1/rounds/{id}/decide", w, "approved"),
                                                       {"number": "99/QĐ", "decided_on": "2020-09-01"}, J),
    ("post", "/api/v1/rounds/{id}/council"): lambda w: (_at("/api/v1/rounds/{id}/council", w, "fresh_round"),
                                                        {"name": "Hội đồng 2017"}, J),
    ("post", "/api/v1/rounds/{id}/members"): lambda w: (_at("/api/v1/rounds/{id}/members", w, "open_round"),
                                                        {"user": w["free_juror"].username, "role": "juror"}, J),
    ("post", "/api/v1/nominations"): lambda w: ("/api/v1/nominations", {
        "round": w["fresh_round"].pk, "product": w["other_product"].pk, "made_by_establishment": True,
        "submitted_on": "2017-06-01"}, J),
    ("post", "/api/v1/nominations/{id}/conflicts"): lambda w: (
        _at("/api/v1/nominations/{id}/conflicts", w, "open_nomination"), {"reason": "Người thân"}, J),
    ("post", "/api/v1/nominations/{id}/scores"): lambda w: (
        _at("/api/v1/nominations/{id}/scores", w, "nomination"),
        {"points": {"1": "32", "2": "32", "3": "8", "4": "8"}}, J),
    ("post", "/api/v1/fairs"): lambda w: ("/api/v1/fairs", _fair(w), J),
    ("put", "/api/v1/fairs/{id}"): lambda w: (_at("/api/v1/fairs/{id}", w, "fair"), _fair(w), J),
    ("patch", "/api/v1/fairs/{id}"): lambda w: (_at("/api/v1/fairs/{id}", w, "fair"),
                                                {"notes": "sửa", "version": w["fair"].version}, J),
    ("post", "/api/v1/fairparticipations"): lambda w: ("/api/v1/fairparticipations", {
        "fair": w["open_fair"].pk, "establishment": w["est_a"].pk}, J),
    ("put", "/api/v1/fairparticipations/{id}"): lambda w: (
        _at("/api/v1/fairparticipations/{id}", w, "fair_part"),
        {"sales_vnd": 1_000_000, "version": w["fair_part"].version}, J),
    ("patch", "/api/v1/fairparticipations/{id}"): lambda w: (
        _at("/api/v1/fairparticipations/{id}", w, "fair_part"),
        {"sales_vnd": 2_000_000, "version": w["fair_part"].version}, J),
    ("delete", "/api/v1/fairparticipations/{id}"): lambda w: (
        _at("/api/v1/fairparticipations/{id}", w, "fair_part"), {}, J),
    ("post", "/api/v1/showrooms"): lambda w: ("/api/v1/showrooms", _showroom(w), J),
    ("put", "/api/v1/showrooms/{id}"): lambda w: (_at("/api/v1/showrooms/{id}", w, "showroom"), _showroom(w), J),
    ("patch", "/api/v1/showrooms/{id}"): lambda w: (_at("/api/v1/showrooms/{id}", w, "showroom"),
                                                    {"operator": "Sở", "version": w["showroom"].version}, J),
    ("post", "/api/v1/showrooms/{id}/displays"): lambda w: (
        _at("/api/v1/showrooms/{id}/displays", w, "showroom"),
        {"establishment": w["est_a"].pk, "displayed_from": "2026-11-01"}, J),
    ("patch", "/api/v1/showrooms/{id}/displays/{display_id}"): lambda w: (
        _at("/api/v1/showrooms/{id}/displays/{display_id}", w, "showroom", display_id="display"),
        {"products": ["Hạt điều"], "version": w["display"].version}, J),
    ("post", "/api/v1/issued-reports"): lambda w: ("/api/v1/issued-reports", {
        "number": "02/BC-SCT", "issued_on": "2026-11-25", "signer_name": "Nguyễn Văn Ký", "signer_title": "Giám đốc",
        "date_from": "2026-01-01", "date_to": "2026-06-30", "area_code": COMMUNE_A}, J),
    ("put", "/api/v1/issued-reports/{id}"): lambda w: (_at("/api/v1/issued-reports/{id}", w, "report"), {}, J),
    ("patch", "/api/v1/issued-reports/{id}"): lambda w: (_at("/api/v1/issued-reports/{id}", w, "report"), {}, J),
    ("delete", "/api/v1/issued-reports/{id}"): lambda w: (_at("/api/v1/issued-reports/{id}", w, "report"), {}, J),
    ("post", "/api/v1/issued-reports/{id}/sign"): lambda w: (_at("/api/v1/issued-reports/{id}/sign", w, "report"),
                                                             {}, J),
    ("post", "/api/v1/issued-reports/{id}/signed-pdf"): lambda w: (
        _at("/api/v1/issued-reports/{id}/signed-pdf", w, "report"),
        {"signed_pdf": SimpleUploadedFile("ky.pdf", w["signed"], content_type="application/pdf")}, M),
}

# The policy as a table: (method, path) → the status each persona gets, in the order of PERSONAS:
# province admin, province officer, commune officer A, commune officer B, council member, establishment
# representative (of est_a), auditor, outsider (no role), anonymous (403: session authentication comes first).
# Refusals: 403 where the caller may see the record (or the operation has no record) but not do this, 404
# where the record is outside what the caller may see, 400 where a referenced record is outside the caller's
# area (answered like an unknown reference: schemes' beneficiary_ids, an issued report's area_code).
# Deliberate quirks written down here: issued reports are never edited (405 for whoever may read them);
# fair participations and showroom displays answer 403, not 404, to commune officers of other communes
# (fairs/selectors.py loads them for every participation editor so the service can name the reason).
# The representative may PATCH their own establishment's contact fields but not PUT its name and codes;
# the PUT of a plan lowers nothing below what approved schemes use, so staff get a 400 there.
TABLE: dict[tuple[str, str], str] = {
    #                                                                          adm off coA coB cnc rep aud out anon
    ("post", "/api/v1/establishments"):                                       "201 201 201 403 403 403 403 403 403",
    ("put", "/api/v1/establishments/{id}"):                                   "200 200 200 404 403 403 403 404 403",
    ("patch", "/api/v1/establishments/{id}"):                                 "200 200 200 404 403 200 403 404 403",
    ("delete", "/api/v1/establishments/{id}"):                                "204 403 403 404 403 404 403 404 403",
    ("post", "/api/v1/programmes"):                                           "201 201 403 403 403 403 403 403 403",
    ("put", "/api/v1/programmes/{id}"):                                       "200 200 403 403 403 403 403 404 403",
    ("patch", "/api/v1/programmes/{id}"):                                     "200 200 403 403 403 403 403 404 403",
    ("post", "/api/v1/plans"):                                                "201 201 403 403 403 403 403 403 403",
    ("put", "/api/v1/plans/{id}"):                                            "400 400 403 403 403 403 403 404 403",
    ("patch", "/api/v1/plans/{id}"):                                          "200 200 403 403 403 403 403 404 403",
    ("post", "/api/v1/supportnorms"):                                         "201 403 403 403 403 403 403 403 403",
    ("put", "/api/v1/supportnorms/{id}"):                                     "200 403 403 403 403 403 403 404 403",
    ("patch", "/api/v1/supportnorms/{id}"):                                   "200 403 403 403 403 403 403 404 403",
    ("post", "/api/v1/schemes"):                                              "201 201 201 400 403 403 403 403 403",
    ("put", "/api/v1/schemes/{id}"):                                          "200 200 200 404 403 403 403 404 403",
    ("patch", "/api/v1/schemes/{id}"):                                        "200 200 200 404 403 403 403 404 403",
    ("post", "/api/v1/schemes/{id}/transition"):                              "200 200 403 404 403 403 403 404 403",
    ("post", "/api/v1/schemes/{id}/disbursements"):                           "201 201 403 404 403 403 403 404 403",
    ("post", "/api/v1/schemes/{id}/attachments"):                             "201 201 201 404 403 403 403 404 403",
    ("put", "/api/v1/schemes/{id}/demonstration"):                            "200 200 200 404 403 403 403 404 403",
    ("post", "/api/v1/schemes/{id}/machinery-items"):                         "201 201 201 404 403 403 403 404 403",
    ("delete", "/api/v1/schemes/{id}/machinery-items/{item_pk}"):             "204 204 204 404 403 403 403 404 403",
    ("post", "/api/v1/schemes/{id}/communication-outputs"):                   "201 201 201 404 403 403 403 404 403",
    ("delete", "/api/v1/schemes/{id}/communication-outputs/{item_pk}"):       "204 204 204 404 403 403 403 404 403",
    ("post", "/api/v1/schemes/{id}/cleaner-production-assessments"):          "201 201 201 404 403 403 403 404 403",
    ("delete", "/api/v1/schemes/{id}/cleaner-production-assessments/{item_pk}"):"204 204 204 404 403 403 403 404 403",
    ("post", "/api/v1/courses"):                                              "201 201 201 403 403 403 403 403 403",
    ("patch", "/api/v1/courses/{id}"):                                        "200 200 200 404 404 404 403 404 403",
    ("post", "/api/v1/courses/{id}/enrol"):                                   "201 201 201 404 404 404 403 404 403",
    ("post", "/api/v1/persons"):                                              "201 201 201 403 403 403 403 403 403",
    ("patch", "/api/v1/persons/{id}"):                                        "200 200 200 404 404 404 403 404 403",
    ("post", "/api/v1/persons/{id}/consents"):                                "201 201 201 404 404 404 403 404 403",
    ("post", "/api/v1/persons/{id}/export"):                                  "200 200 200 404 404 404 403 404 403",
    ("post", "/api/v1/persons/{id}/merge"):                                   "200 200 403 404 404 404 403 404 403",
    ("post", "/api/v1/persons/{id}/restrict"):                                "200 200 200 404 404 404 403 404 403",
    ("post", "/api/v1/persons/{id}/unmask"):                                  "200 200 200 404 404 404 403 404 403",
    ("post", "/api/v1/participations/{id}/complete"):                         "200 200 200 404 404 404 403 404 403",
    ("post", "/api/v1/participations/{id}/drop"):                             "200 200 200 404 404 404 403 404 403",
    ("post", "/api/v1/participations/{id}/followups"):                        "201 201 201 404 404 404 403 404 403",
    ("post", "/api/v1/partners"):                                             "201 201 403 403 403 403 403 403 403",
    ("patch", "/api/v1/partners/{id}"):                                       "200 200 403 403 404 404 403 404 403",
    ("post", "/api/v1/agreements"):                                           "201 201 403 403 403 403 403 403 403",
    ("patch", "/api/v1/agreements/{id}"):                                     "200 200 403 403 404 404 403 404 403",
    ("post", "/api/v1/activities"):                                           "201 201 201 403 403 403 403 403 403",
    ("post", "/api/v1/activities/{id}/participants"):                         "201 201 201 404 404 404 403 404 403",
    ("delete", "/api/v1/activities/{id}/participants/{participant_id}"):      "204 204 204 404 404 404 403 404 403",
    ("post", "/api/v1/products"):                                             "201 201 201 404 403 201 403 404 403",
    ("post", "/api/v1/products/{id}/documents"):                              "201 201 201 404 403 201 403 404 403",
    ("post", "/api/v1/rounds"):                                               "201 201 403 403 403 403 403 403 403",
    ("post", "/api/v1/rounds/{id}/start"):                                    "200 200 403 403 403 403 403 404 403",
    ("post", "/api/v1/rounds/{id}/close"):                                    "200 200 403 403 403 403 403 404 403",
    ("post", "/api/v1/rounds/{id}/approve"):                                  "200 200 403 403 403 403 403 404 403",
    ("post", "/api/v1/rounds/{id}/decide"):                                   "200 200 403 403 403 403 403 404 403",
    ("post", "/api/v1/rounds/{id}/council"):                                  "201 201 403 403 403 403 403 404 403",
    ("post", "/api/v1/rounds/{id}/members"):                                  "201 201 403 403 403 403 403 404 403",
    ("post", "/api/v1/nominations"):                                          "201 201 201 404 403 201 403 404 403",
    ("post", "/api/v1/nominations/{id}/conflicts"):                           "403 403 403 404 201 403 403 404 403",
    ("post", "/api/v1/nominations/{id}/scores"):                              "403 403 403 404 200 403 403 404 403",
    ("post", "/api/v1/fairs"):                                                "201 201 403 403 403 403 403 403 403",
    ("put", "/api/v1/fairs/{id}"):                                            "200 200 403 403 403 403 403 404 403",
    ("patch", "/api/v1/fairs/{id}"):                                          "200 200 403 403 403 403 403 404 403",
    ("post", "/api/v1/fairparticipations"):                                   "201 201 201 400 403 403 403 403 403",
    ("put", "/api/v1/fairparticipations/{id}"):                               "200 200 200 404 403 403 403 404 403",
    ("patch", "/api/v1/fairparticipations/{id}"):                             "200 200 200 404 403 403 403 404 403",
    ("delete", "/api/v1/fairparticipations/{id}"):                            "204 204 403 404 403 403 403 404 403",
    ("post", "/api/v1/showrooms"):                                            "201 201 403 403 403 403 403 403 403",
    ("put", "/api/v1/showrooms/{id}"):                                        "200 200 403 403 403 403 403 404 403",
    ("patch", "/api/v1/showrooms/{id}"):                                      "200 200 403 403 403 403 403 404 403",
    ("post", "/api/v1/showrooms/{id}/displays"):                              "201 201 201 400 403 403 403 404 403",
    ("patch", "/api/v1/showrooms/{id}/displays/{display_id}"):                "200 200 200 403 403 403 403 404 403",
    ("post", "/api/v1/issued-reports"):                                       "201 201 201 400 403 403 403 403 403",
    ("put", "/api/v1/issued-reports/{id}"):                                   "405 405 405 404 405 404 405 404 403",
    ("patch", "/api/v1/issued-reports/{id}"):                                 "405 405 405 404 405 404 405 404 403",
    ("delete", "/api/v1/issued-reports/{id}"):                                "405 405 405 404 405 404 405 404 403",
    ("post", "/api/v1/issued-reports/{id}/sign"):                             "200 200 200 404 403 404 403 404 403",
    ("post", "/api/v1/issued-reports/{id}/signed-pdf"):                       "200 200 200 404 403 404 403 404 403",
}
EXPECTED = {key: dict(zip(PERSONAS, map(int, codes.split()), strict=True)) for key, codes in TABLE.items()}


def _expected(key: tuple[str, str], persona: str) -> int | None:
    return EXPECTED.get(key, {}).get(persona)


def _client(personas: dict[str, Any], persona: str) -> APIClient:
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(personas[persona])
    return client


def _call(client: APIClient, method: str, url: str, body: dict[str, Any], fmt: str) -> Any:
    return getattr(client, method)(url, body, format=fmt)


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Báo cáo</p>").write_pdf()  # type: ignore[no-any-return]


@pytest.fixture
def world(personas, est_a, est_b, settings, tmp_path, monkeypatch, small_pdf) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from khuyencong.reports import issuing, signing

    # Who may issue is the point here, not the documents (reports/tests render them): a small real PDF
    # that can be signed stands for the rendered report and saves seconds per issue.
    monkeypatch.setattr(issuing, "_documents", lambda figures, head: (small_pdf, b"PK docx"))

    settings.MEDIA_ROOT = str(tmp_path / "media")
    certificate = tmp_path / "org.p12"
    certificate.write_bytes(signing.make_pkcs12(organisation="Sở Công Thương Thử nghiệm", passphrase="mat-khau"))
    settings.REPORT_SIGNING_PKCS12, settings.REPORT_SIGNING_PASSPHRASE = str(certificate), "mat-khau"
    return _world(personas, est_a, est_b)


def test_every_write_operation_answers_each_role_as_the_policy_says(personas, world) -> None:
    """One world for all 684 cases; each call is undone by its savepoint."""
    wrong = []
    for persona in PERSONAS:
        client = _client(personas, persona)
        for path, method in WRITES:
            url, body, fmt = PAYLOADS[(method, path)](world)
            try:
                with transaction.atomic():
                    response = _call(client, method, url, body, fmt)
                    if 200 <= response.status_code < 300:
                        assert_matches_schema(path, method, url, response)
                    raise _Rollback
            except _Rollback:
                pass
            want = _expected((method, path), persona)
            if response.status_code != want:
                detail = response.content[:160].decode(errors="replace") if response.status_code >= 400 else ""
                wrong.append(f"{persona} {method.upper()} {path}: {response.status_code}, expected {want} {detail}")
    assert not wrong, "\n".join(wrong)


def test_every_write_operation_has_a_payload_and_an_expectation() -> None:
    """A new unsafe endpoint fails here until its payload and its per-role answers are written down."""
    keys = {(method, path) for path, method in WRITES}
    assert keys == set(PAYLOADS), (sorted(keys - set(PAYLOADS)), sorted(set(PAYLOADS) - keys))
    assert keys == set(EXPECTED), (sorted(keys - set(EXPECTED)), sorted(set(EXPECTED) - keys))
    for key, answers in EXPECTED.items():
        assert set(answers) == set(PERSONAS), (key, set(PERSONAS) ^ set(answers))
        # The house rules no table edit may break: these never write, and nobody is answered with a 5xx.
        assert all(answers[p] >= 400 for p in ("auditor", "outsider", "anonymous", "commune_officer_b")), key
        assert all(code < 500 for code in answers.values()), key


def test_deleting_a_record_other_records_point_at_is_a_400_naming_them(personas, est_a) -> None:
    """Found by the matrix: deleting a beneficiary establishment was a 500 (ProtectedError)."""
    from khuyencong.establishments.models import Establishment
    from khuyencong.fairs.tests.conftest import make_fair, make_participation

    make_participation(make_fair("Hội chợ Bà Rịa"), est_a)
    response = _client(personas, "province_admin").delete(f"/api/v1/establishments/{est_a.pk}")
    assert response.status_code == 400
    assert "Không thể xóa vì còn hồ sơ liên quan" in response.json()["__all__"][0]
    assert Establishment.objects.filter(pk=est_a.pk).exists()


# Every list-valued action of one record (GET …/{id}/<name> answering a JSON array) → the record it is
# read on and who reads it; each of these lists has at least one row in the world.
LIST_ACTIONS = {
    "/api/v1/activities/{id}/participants": ("activity", "province_admin"),
    "/api/v1/courses/{id}/participants": ("course", "commune_officer_a"),
    "/api/v1/nominations/{id}/scores": ("nomination", "council_member"),
    "/api/v1/rounds/{id}/results": ("closed", "province_officer"),
    "/api/v1/schemes/{id}/attachments": ("scheme", "province_officer"),
    "/api/v1/schemes/{id}/disbursements": ("contracted", "province_officer"),
    "/api/v1/schemes/{id}/machinery-items": ("scheme", "commune_officer_a"),
    "/api/v1/schemes/{id}/communication-outputs": ("communication", "province_admin"),
    "/api/v1/schemes/{id}/cleaner-production-assessments": ("cleaner_production", "province_admin"),
    "/api/v1/showrooms/{id}/displays": ("showroom", "establishment_rep"),
}


def _answers_an_array(operation: dict[str, Any]) -> bool:
    content = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
    schema = content.get("schema", {})
    return schema.get("type") == "array" or "Paginated" in schema.get("$ref", "")


def test_every_list_valued_action_answers_rows_as_its_schema_says(personas, world) -> None:
    """The lists the schema used to promise as paginated objects, each read with real rows and checked."""
    found = {path for path, method in operations("get") if re.fullmatch(r"/api/v1/[\w-]+/\{id\}/[\w-]+", path)
             and _answers_an_array(RAW["paths"][path][method])}
    assert found == set(LIST_ACTIONS), (sorted(found - set(LIST_ACTIONS)), sorted(set(LIST_ACTIONS) - found))
    for path, (record, persona) in LIST_ACTIONS.items():
        url = path.replace("{id}", str(world[record].pk))
        response = _client(personas, persona).get(url)
        assert response.status_code == 200, (url, persona, response.status_code)
        assert isinstance(response.json(), list) and response.json(), (url, response.json())
        assert_matches_schema(path, "get", url, response)
