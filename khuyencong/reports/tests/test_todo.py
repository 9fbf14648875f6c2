"""Home to-do of period reports: the latest half-year and year not issued for the province, and unsigned ones."""

from __future__ import annotations

import datetime as dt

from khuyencong.reports.models import IssuedReport
from khuyencong.reports.todo import periods_due, reports_to_issue
from khuyencong.testing.fixtures import TODAY


def _issued(number: str, date_from: dt.date, date_to: dt.date, *, area_code: str = "", signed: bool = False) -> None:
    IssuedReport.objects.create(number=number, year=2026, issued_on=dt.date(2026, 7, 10), signer_name="A",
                                signer_title="Giám đốc", date_from=date_from, date_to=date_to, area_code=area_code,
                                area_name="Toàn bộ", boundary_date=date_to, figures={}, pdf=b"", pdf_sha256="x",
                                docx=b"", docx_sha256="x", signed_pdf_sha256="y" if signed else "")


def test_periods_due_follow_the_calendar() -> None:
    assert [p[1:] for p in periods_due(dt.date(2026, 3, 1))] == [(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
    assert [p[1:] for p in periods_due(TODAY)] == [(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                                                   (dt.date(2026, 1, 1), dt.date(2026, 6, 30))]


def test_province_officer_is_asked_for_the_reports_not_issued_and_the_unsigned(
        personas, django_assert_max_num_queries) -> None:
    officer = personas["province_officer"]
    with django_assert_max_num_queries(3):
        found = reports_to_issue(officer, today=TODAY)
    assert found is not None and found.count == 2 and found.oldest_due == dt.date(2025, 12, 31)
    assert found.items[0].url == "/bao-cao/ban-hanh/?date_from=2025-01-01&date_to=2025-12-31"
    _issued("1/BC-SCT", dt.date(2026, 1, 1), dt.date(2026, 6, 30))  # issued, not signed yet
    _issued("2/BC-SCT", dt.date(2025, 1, 1), dt.date(2025, 12, 31), area_code="26560", signed=True)  # one commune
    for n in range(3, 10):
        _issued(f"{n}/BC-SCT", dt.date(2025, 1, 1), dt.date(2025, 3, 31), signed=True)
    with django_assert_max_num_queries(3):
        found = reports_to_issue(officer, today=TODAY)
    assert found is not None and found.count == 2  # the year still to issue, the half-year still to sign
    assert [str(i.note) for i in found.items] == ["kỳ đã kết thúc, chưa ban hành", "đã ban hành, chưa ký số"]
    for persona in ("commune_officer_a", "council_member", "establishment_rep", "auditor"):
        assert reports_to_issue(personas[persona], today=TODAY) is None


def test_the_link_fills_the_issue_form_with_the_period(client, personas) -> None:
    client.force_login(personas["province_officer"])
    assert "Báo cáo định kỳ cần ban hành hoặc ký số" in client.get("/").content.decode()
    form = client.get("/bao-cao/ban-hanh/?date_from=2025-01-01&date_to=2025-12-31").content.decode()
    assert 'value="01/01/2025"' in form and 'value="31/12/2025"' in form
