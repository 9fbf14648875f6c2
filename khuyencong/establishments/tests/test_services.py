"""Registry writes: validation, duplicates, scope, stale edits and audit history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.services import (
    establishment_create,
    establishment_delete,
    establishment_update,
)
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, OLD_DAY, OLD_IN_A, VALID_TAX_CODES, unit


def data(**overrides):  # type: ignore[no-untyped-def]
    base = {"name": "Cơ sở cơ khí Long Hương", "legal_form": "household", "commune": unit(COMMUNE_A),
            "vsic_code": "2592", "sector_group": "mechanical", "employees": 5}
    return {**base, **overrides}


def test_officer_creates_with_history(personas) -> None:
    officer = personas["commune_officer_a"]
    e = establishment_create(actor=officer, data=data(tax_code=VALID_TAX_CODES[0]))
    assert e.created_by == officer and e.version == 1
    record = e.history.get()
    assert record.history_type == "+" and record.history_user == officer


def test_text_is_normalised_and_search_key_folded(personas) -> None:
    e = establishment_create(actor=personas["province_officer"], data=data(name="  Cơ  sở   Đồng Nai "))
    assert e.name == "Cơ sở Đồng Nai" and e.search_name == "co so dong nai"


def test_duplicate_tax_code_refused_and_nothing_saved(personas) -> None:
    establishment_create(actor=personas["province_officer"], data=data(tax_code=VALID_TAX_CODES[1]))
    with pytest.raises(ValidationError) as exc:
        establishment_create(actor=personas["province_officer"],
                             data=data(name="Cơ sở khác hẳn", tax_code=VALID_TAX_CODES[1]))
    assert "đã được đăng ký" in exc.value.message_dict["tax_code"][0]
    assert Establishment.objects.filter(tax_code=VALID_TAX_CODES[1]).count() == 1


def test_invalid_tax_code_refused(personas) -> None:
    with pytest.raises(ValidationError) as exc:
        establishment_create(actor=personas["province_officer"], data=data(tax_code="3500101108"))
    assert "tax_code" in exc.value.message_dict
    assert not Establishment.objects.filter(name="Cơ sở cơ khí Long Hương").exists()


def test_similar_name_in_same_commune_needs_confirmation(personas, est_a) -> None:
    officer = personas["province_officer"]
    similar = data(name="Cơ sở chế biến hạt điều Phước Nguyên.", commune=est_a.commune, registered_on=OLD_DAY)
    with pytest.raises(ValidationError) as exc:
        establishment_create(actor=officer, data=similar)
    assert "tên gần giống" in exc.value.message_dict["name"][0]
    assert establishment_create(actor=officer, data=similar, allow_similar=True).pk


def test_same_name_in_another_commune_is_not_flagged(personas, est_a) -> None:
    other = data(name=est_a.name, commune=unit(COMMUNE_B))
    assert establishment_create(actor=personas["province_officer"], data=other).pk


def test_expired_commune_refused_for_today(personas) -> None:
    with pytest.raises(ValidationError) as exc:
        establishment_create(actor=personas["province_officer"], data=data(commune=unit(OLD_IN_A, OLD_DAY)))
    assert "không còn hiệu lực" in exc.value.message_dict["commune"][0]


def test_old_commune_accepted_for_an_old_registration_date(personas) -> None:
    e = establishment_create(actor=personas["province_officer"],
                             data=data(commune=unit(OLD_IN_A, OLD_DAY), registered_on=OLD_DAY))
    assert e.commune.valid_to is not None


@pytest.mark.parametrize(("field", "value"), [("name", ""), ("name", "x" * 256), ("vsic_code", ""),
                                              ("name", "<script>alert(1)</script>"), ("legal_form", "llc")])
def test_bad_values_refused_naming_the_field(personas, field: str, value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        establishment_create(actor=personas["province_officer"], data=data(**{field: value}))
    assert field in exc.value.message_dict
    assert Establishment.objects.count() == 1  # only the fixture's est_a


def test_commune_officer_cannot_create_outside_their_communes(personas) -> None:
    with pytest.raises(PermissionDeniedError):
        establishment_create(actor=personas["commune_officer_a"], data=data(commune=unit(COMMUNE_B)))
    assert not Establishment.objects.filter(commune=unit(COMMUNE_B)).exists()


@pytest.mark.parametrize("persona", ["council_member", "auditor", "establishment_rep", "outsider"])
def test_roles_without_create_right_are_refused(personas, persona: str) -> None:
    with pytest.raises(PermissionDeniedError):
        establishment_create(actor=personas[persona], data=data())


def test_commune_officer_edits_old_record_now_in_their_commune(personas, est_a) -> None:
    """A record on a pre-2025 commune belongs to the officer of the commune that absorbed it."""
    e = establishment_update(actor=personas["commune_officer_a"], establishment=est_a,
                             data={"employees": 12}, expected_version=1)
    assert e.employees == 12 and e.version == 2


def test_commune_officer_cannot_move_record_out_of_area(personas, est_a) -> None:
    with pytest.raises(PermissionDeniedError):
        establishment_update(actor=personas["commune_officer_a"], establishment=est_a,
                             data={"commune": unit(COMMUNE_B)},
                             expected_version=1)
    est_a.refresh_from_db()
    assert est_a.commune.code == OLD_IN_A


def test_stale_edit_refused_and_first_change_kept(personas, est_a) -> None:
    first = Establishment.objects.get(pk=est_a.pk)
    second = Establishment.objects.get(pk=est_a.pk)
    establishment_update(actor=personas["province_officer"], establishment=first, data={"employees": 30},
                         expected_version=1)
    with pytest.raises(StaleEditError):
        establishment_update(actor=personas["province_admin"], establishment=second, data={"employees": 99},
                             expected_version=1)
    est_a.refresh_from_db()
    assert est_a.employees == 30 and est_a.version == 2


def test_representative_edits_contact_only(personas, est_a) -> None:
    rep = personas["establishment_rep"]
    establishment_update(actor=rep, establishment=est_a, data={"representative_phone": "0987654321"},
                         expected_version=1)
    with pytest.raises(PermissionDeniedError):
        establishment_update(actor=rep, establishment=est_a, data={"status": "closed"}, expected_version=2)


def test_history_keeps_field_changes_and_deletion(personas, est_a) -> None:
    admin = personas["province_admin"]
    establishment_update(actor=admin, establishment=est_a, data={"employees": 42}, expected_version=1)
    pk = est_a.pk
    establishment_delete(actor=admin, establishment=est_a)
    rows = list(Establishment.history.filter(id=pk).order_by("history_date"))
    assert [r.history_type for r in rows] == ["+", "~", "-"]
    assert rows[1].employees == 42 and rows[2].history_user == admin


def test_only_admin_deletes(personas, est_a) -> None:
    with pytest.raises(PermissionDeniedError):
        establishment_delete(actor=personas["province_officer"], establishment=est_a)
    assert Establishment.objects.filter(pk=est_a.pk).exists()


def test_province_staff_cannot_register_outside_the_province(personas) -> None:
    """The installation serves one province (KHUYENCONG_PROVINCE_CODE=79): Hà Nội's wards are out, and the
    officer is told that — under the commune field — not the commune officers' "your communes" reason."""
    with pytest.raises(ValidationError) as refused:
        establishment_create(actor=personas["province_admin"], data=data(commune=unit("00004")))
    assert refused.value.message_dict == {"commune": [
        "Xã/phường “Phường Ba Đình — Thành phố Hà Nội” không thuộc Thành phố Hồ Chí Minh: hệ thống chỉ đăng ký "
        "cơ sở trong Thành phố Hồ Chí Minh."]}
    assert not Establishment.objects.filter(name="Cơ sở cơ khí Long Hương").exists()


def test_a_commune_officer_outside_their_communes_gets_the_commune_reason(personas) -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        establishment_create(actor=personas["commune_officer_a"], data=data(commune=unit(COMMUNE_B)))
    assert str(refused.value) == "Bạn chỉ được đăng ký cơ sở thuộc xã/phường mình phụ trách."
    assert not Establishment.objects.filter(name="Cơ sở cơ khí Long Hương").exists()


def test_moving_an_establishment_out_of_the_province_names_the_commune_field(personas, est_a) -> None:
    with pytest.raises(ValidationError) as refused:
        establishment_update(actor=personas["province_officer"], establishment=est_a,
                             data={"commune": unit("00004")}, expected_version=est_a.version)
    assert list(refused.value.message_dict) == ["commune"]
    assert "không thuộc Thành phố Hồ Chí Minh" in refused.value.message_dict["commune"][0]
    est_a.refresh_from_db()
    assert est_a.commune.code == OLD_IN_A
