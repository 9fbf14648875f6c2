"""Results: ranks with ties, the pass mark from the rule, leniency numbers, minutes and result list documents."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from khuyencong.products import services
from khuyencong.products.models import CouncilMember, PassMark, RecognitionLevel, Result, RuleSet
from khuyencong.products.results import leniency
from khuyencong.products.services.scoring import competition_ranks
from khuyencong.products.tests.conftest import make_product, sheet

pytestmark = pytest.mark.django_db


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603  # nosec B603


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_competition_ranks_share_ties_and_skip() -> None:
    ranks = competition_ranks([Decimal("80"), Decimal("84.33"), Decimal("84.33"), Decimal("70")])
    assert ranks == {Decimal("84.33"): 1, Decimal("80"): 3, Decimal("70"): 4}


@pytest.fixture
def closed_round(open_round, jury, est_a):  # type: ignore[no-untyped-def]
    """Three dossiers of one group: 80,00 entered first, then 84,33 twice (the order of the bug report)."""
    nominations = [services.nomination_create(actor=jury["secretary"], selection_round=open_round,
                                              product=make_product(est_a, name, group_code="agro_food"),
                                              made_by_establishment=True, submitted_on=dt.date(2016, 6, 1))
                   for name in ("Hạt điều", "Bánh tráng", "Mắm ruốc")]
    services.round_start_scoring(actor=jury["secretary"], selection_round=open_round)
    for nomination, totals in zip(nominations, ((80, 80, 80), (84, 85, 84), (85, 84, 84)), strict=True):
        for key, total in zip(("j1", "j2", "j3"), totals, strict=True):
            services.score_sheet_submit(actor=jury[key], nomination=nomination, points=sheet(total))
    services.round_close_scoring(actor=jury["secretary"], selection_round=open_round)
    open_round.refresh_from_db()
    return open_round


def test_ties_share_the_rank_and_the_page_shows_the_rule_pass_mark(closed_round, jury) -> None:
    ranks = sorted((r.combined_score, r.rank_in_group) for r in Result.objects.filter(nomination__round=closed_round))
    assert ranks == [(Decimal("80.00"), 3), (Decimal("84.33"), 1), (Decimal("84.33"), 1)]
    page = client_for(jury["secretary"]).get(reverse("products:results", args=[closed_round.pk])).content.decode()
    assert "Điểm đạt theo bộ quy tắc: 70,00 điểm" in page
    assert page.index("84,33") < page.index("80,00")


def test_pass_mark_comes_from_the_rule_row(scoring_round, jury) -> None:
    PassMark.objects.create(rule_set=RuleSet.objects.get(), level_code="district", pass_mark=Decimal("85"))
    for nomination in scoring_round.nominations.all():
        for key in ("j1", "j2", "j3"):
            services.score_sheet_submit(actor=jury[key], nomination=nomination, points=sheet(80))
    services.round_close_scoring(actor=jury["secretary"], selection_round=scoring_round)
    assert not Result.objects.filter(nomination__round=scoring_round, passed_mark=True).exists()
    page = client_for(jury["secretary"]).get(reverse("products:results", args=[scoring_round.pk])).content.decode()
    assert "Điểm đạt theo bộ quy tắc: 85,00 điểm" in page


def test_leniency_numbers() -> None:
    members = {1: CouncilMember(pk=1), 2: CouncilMember(pk=2), 3: CouncilMember(pk=3)}
    sheets = {1: Decimal(90), 2: Decimal(70), 3: Decimal(70)}
    totals = {10: dict(sheets), 11: dict(sheets)}
    report = leniency(totals, members)
    assert report.council_mean == pytest.approx(76.6667, abs=1e-3)
    assert report.council_spread == pytest.approx(9.4281, abs=1e-3)  # population SD of 90,90,70,70,70,70
    generous, *others = report.jurors
    assert generous.mean == 90 and generous.spread == 0 and generous.z == pytest.approx(1.4142, abs=1e-3)
    assert generous.flagged and not any(j.flagged for j in others)
    assert others[0].z == pytest.approx(-0.7071, abs=1e-3)


def test_leniency_shown_to_the_secretary_only(closed_round, jury) -> None:
    url = reverse("products:results", args=[closed_round.pk])
    assert "lệch khỏi điểm trung bình của cả hội đồng quá 1 độ lệch chuẩn" in client_for(jury["secretary"]).get(
        url).content.decode()
    assert "độ lệch chuẩn:" not in client_for(jury["j1"]).get(url).content.decode()


def test_results_page_query_count(closed_round, jury, django_assert_max_num_queries) -> None:
    client = client_for(jury["secretary"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("products:results", args=[closed_round.pk])).status_code == 200


def test_minutes_docx_text(closed_round, jury) -> None:
    from docx import Document

    response = client_for(jury["chair"]).get(reverse("products:results_document",
                                                     args=[closed_round.pk, "bien-ban", "docx"]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "BIÊN BẢN" in text and "Họp Hội đồng bình chọn sản phẩm công nghiệp nông thôn tiêu biểu" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Số:       /BB-HĐBC" in cells
    assert "điểm đạt theo quy định là 70,00 điểm" in text
    assert "84,33" in cells and "THƯ KÝ" in cells and "CHỦ TỊCH HỘI ĐỒNG" in cells
    assert f"tháng {timezone.localdate():%m} năm" in cells


def test_result_list_pdf_text(closed_round, jury, tmp_path) -> None:
    response = client_for(jury["secretary"]).get(reverse("products:results_document",
                                                         args=[closed_round.pk, "danh-sach", "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "list.pdf"
    path.write_bytes(response.content)
    text = _run("pdftotext", "-layout", str(path), "-")
    assert "DANH SÁCH" in text and "Độc lập - Tự do - Hạnh phúc" in text and "Nơi nhận:" in text
    assert "84,33" in text and "80,00" in text and "Mắm ruốc" in text


def test_documents_refused_to_jurors_and_unknown_kinds(closed_round, jury) -> None:
    assert client_for(jury["j1"]).get(reverse("products:results_document",
                                              args=[closed_round.pk, "bien-ban", "pdf"])).status_code == 403
    assert client_for(jury["secretary"]).get(reverse("products:results_document",
                                                     args=[closed_round.pk, "bien-ban", "exe"])).status_code == 404


def test_round_form_lists_each_level_once_and_picks_the_row_in_force() -> None:
    from khuyencong.products.forms import RoundForm

    labels = [label for _code, label in RoundForm().fields["level"].choices]  # type: ignore[attr-defined]
    assert labels.count("Cấp tỉnh") == 1
    form = RoundForm(data={"name": "x", "level": "province", "organiser_code": "77", "year": 2026,
                           "dossier_deadline": "30/06/2026", "rule_set": RuleSet.objects.get().pk})
    assert form.is_valid(), form.errors
    chosen = form.cleaned_data["level"]
    assert chosen == RecognitionLevel.objects.get(code="province", valid_from__lte=dt.date(2026, 6, 30),
                                                  valid_to__isnull=True)
