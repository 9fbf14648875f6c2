"""Registry reads: area scoping, diacritic-free search, Vietnamese order and query counts."""

from __future__ import annotations

import pytest

from khuyencong.establishments.selectors import (
    EstablishmentFilters,
    establishment_list,
    establishments_for,
    registry_summary,
)
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, make_establishment, unit

EXPECTED_VISIBLE = {
    "province_admin": {"a", "b"}, "province_officer": {"a", "b"}, "auditor": {"a", "b"},
    "council_member": {"a", "b"}, "commune_officer_a": {"a"}, "commune_officer_b": {"b"},
    "establishment_rep": {"a"}, "outsider": set(),
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED_VISIBLE.items())
def test_scope_per_persona(personas, est_a, est_b, persona: str, expected: set[str]) -> None:
    names = {"a": est_a.pk, "b": est_b.pk}
    visible = set(establishments_for(personas[persona]).values_list("pk", flat=True))
    assert visible == {names[k] for k in expected}


def test_search_ignores_diacritics_and_case(personas) -> None:
    make_establishment("Cơ sở gốm Đồng Nai", unit(COMMUNE_A))
    found = establishment_list(personas["province_officer"], EstablishmentFilters(q="DONG nai"))
    assert [e.name for e in found] == ["Cơ sở gốm Đồng Nai"]


def test_search_by_tax_code_prefix(personas) -> None:
    make_establishment("Công ty TNHH Phước Hưng", unit(COMMUNE_A), tax_code="3500101107")
    found = establishment_list(personas["province_officer"], EstablishmentFilters(q="35001"))
    assert [e.name for e in found] == ["Công ty TNHH Phước Hưng"]


def test_vietnamese_alphabetical_order(personas) -> None:
    for name in ["Đông Phát", "Dương Long", "Ánh Dương", "Ăn Ngon", "Bình An"]:
        make_establishment(name, unit(COMMUNE_A))
    names = [e.name for e in establishment_list(personas["province_officer"], EstablishmentFilters())]
    order = [n for n in names if n in {"Đông Phát", "Dương Long", "Ánh Dương", "Ăn Ngon", "Bình An"}]
    assert order == ["Ánh Dương", "Ăn Ngon", "Bình An", "Dương Long", "Đông Phát"]


def test_unit_filter_accepts_old_district_code(personas, est_a, est_b) -> None:
    """748 is the pre-2025 Bà Rịa city: filtering by it still finds records on its old communes."""
    found = establishment_list(personas["province_officer"], EstablishmentFilters(unit="748"))
    assert [e.pk for e in found] == [est_a.pk]


def test_unit_filter_by_current_commune_includes_predecessors(personas, est_a, est_b) -> None:
    found = establishment_list(personas["province_officer"], EstablishmentFilters(unit=COMMUNE_B))
    assert [e.pk for e in found] == [est_b.pk]


def test_unknown_unit_code_reports_error(personas, est_a) -> None:
    filters = EstablishmentFilters(unit="99999")
    assert not establishment_list(personas["province_officer"], filters).exists()
    assert "99999" in filters.errors["unit"]


def test_list_query_count_is_constant(personas, django_assert_max_num_queries) -> None:
    for i in range(30):
        make_establishment(f"Cơ sở số {i}", unit(COMMUNE_A))
    with django_assert_max_num_queries(1):
        rows = [(e.name, e.commune.name, e.commune.parent.name) for e in
                establishment_list(personas["province_officer"], EstablishmentFilters())]
    assert len(rows) == 31


def test_summary_counts_scope_only(personas, est_a, est_b) -> None:
    assert registry_summary(personas["commune_officer_b"])["total"] == 1
    assert registry_summary(personas["province_officer"])["total"] == 2
    assert registry_summary(personas["outsider"])["total"] == 0
