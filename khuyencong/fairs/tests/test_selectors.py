"""Selectors: scoping per persona, visible counts in SQL, 404 outside scope."""

from __future__ import annotations

import pytest
from django.http import Http404

from khuyencong.fairs import selectors
from khuyencong.fairs.selectors import PAST, FairFilters

pytestmark = pytest.mark.django_db

VISIBLE = {  # persona → participations of part_a / part_b visible
    "province_admin": {"a", "b"}, "province_officer": {"a", "b"}, "council_member": {"a", "b"},
    "auditor": {"a", "b"}, "commune_officer_a": {"a"}, "commune_officer_b": {"b"},
    "establishment_rep": {"a"}, "outsider": set(),
}


@pytest.mark.parametrize(("persona", "expected"), VISIBLE.items())
def test_participation_scope(personas, part_a, part_b, persona, expected) -> None:
    ids = set(selectors.participations_for(personas[persona]).values_list("pk", flat=True))
    assert ids == {p.pk for key, p in (("a", part_a), ("b", part_b)) if key in expected}


@pytest.mark.parametrize(("persona", "count"), [("province_officer", 2), ("commune_officer_a", 1),
                                                ("establishment_rep", 1), ("outsider", None)])
def test_fair_list_counts_visible_participants(personas, part_a, part_b, persona, count) -> None:
    fairs = list(selectors.fair_list(personas[persona], FairFilters(when=PAST)))
    assert [f.participant_count for f in fairs] == ([] if count is None else [count])


def test_withdrawn_not_counted_in_totals(personas, part_a, part_b) -> None:
    part_b.withdrawn = True
    part_b.save()
    totals = selectors.fair_totals(personas["auditor"], part_a.fair)
    assert totals["participations"] == 1 and totals["sales_vnd"] == 50_000_000 and totals["establishments"] == 1


def test_detail_getters_raise_404_outside_scope(personas, part_a) -> None:
    with pytest.raises(Http404):
        selectors.participation_get(personas["commune_officer_b"], part_a.pk)
    with pytest.raises(Http404):
        selectors.fair_get(personas["outsider"], part_a.fair_id)
    with pytest.raises(Http404):
        selectors.establishment_fair_history(personas["commune_officer_b"], part_a.establishment_id)
    # outside the area an edit loads nothing: 404 like an unknown id, not a 403 that confirms it exists
    with pytest.raises(Http404):
        selectors.participation_get_for_update(personas["commune_officer_b"], part_a.pk)
    assert selectors.participation_get_for_update(personas["commune_officer_a"], part_a.pk) == part_a
    with pytest.raises(Http404):
        selectors.participation_get_for_update(personas["auditor"], 10**9)


def test_filters(personas, past_fair, future_fair) -> None:
    user = personas["auditor"]
    assert list(selectors.fair_list(user, FairFilters(scope="provincial"))) == [future_fair]
    assert list(selectors.fair_list(user, FairFilters(when=PAST, year=2025))) == []
    assert list(selectors.fair_list(user, FairFilters(when=PAST, q="phía Nam"))) == [past_fair]
