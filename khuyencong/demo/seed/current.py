"""Work in progress on the demo's today, so each demo account's home ("Việc cần làm") has something.

Added after the 2014–2020 dataset and dated after the 2025 reform, so no seed figure changes:

- representatives' corrections waiting for an officer's check: ``coso`` corrects their own
  establishment, and a second representative (no password: nobody signs in as them) one in Phường
  Bà Rịa, the area of ``canboxa``;
- a product recognised at commune level in 2025 (certificate valid to 31/12/2028) and a provincial round of
  2027 receiving dossiers, so the product can be nominated to the next level reusing its documents;
- a 2026 commune-level round of Phường Bà Rịa whose three jurors have handed in every score sheet
  but whose scoring the secretary ``thuky`` has not closed (minutes to finish).

Reports due and products lacking documents need no record: nothing is issued in the demo and the
seeded products carry no documents.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.representation import representation_open
from khuyencong.establishments import services as registry
from khuyencong.establishments.models import Establishment
from khuyencong.geo.selectors import unit_by_code
from khuyencong.products import services as products
from khuyencong.products.models import (
    MemberRole,
    Nomination,
    ProductGroup,
    RecognitionLevel,
    RuleSet,
    SelectionRound,
)

BA_RIA = "26560"  # Phường Bà Rịa, the demo commune officer's area
ROUND_DEADLINE = dt.date(2026, 10, 31)


def seed_current() -> None:
    _representative_corrections()
    _round_ready_for_minutes()
    _product_eligible_for_next_level()


def _correct(representative: User, establishment: Establishment, address: str) -> None:
    registry.establishment_update(actor=representative, establishment=establishment,
                                  data={"address": address}, expected_version=establishment.version)


def _representative_corrections() -> None:
    coso = User.objects.get(username="coso")
    for link in coso.representations.select_related("establishment"):
        _correct(coso, link.establishment, f"{link.establishment.address} (cạnh chợ)")
    commune = unit_by_code(BA_RIA, on=timezone.localdate(), level="commune")
    establishment = Establishment.objects.filter(commune=commune).order_by("pk").first()
    if establishment is None:
        return
    representative, _created = User.objects.get_or_create(username="daidien-bari", defaults={
        "full_name": establishment.representative_name or "Đại diện cơ sở", "role": Role.ESTABLISHMENT_REP})
    representative.set_unusable_password()
    representative.save()
    representation_open(user=representative, establishment_id=establishment.pk, confirmed_by=None, source="demo")
    _correct(representative, establishment, "Số 12, đường Nguyễn Thanh Đằng")


def _round_ready_for_minutes() -> None:
    """Two dossiers of Phường Bà Rịa establishments, scored by all three jurors; scoring still open."""
    admin = User.objects.get(username="quantri")
    commune = unit_by_code(BA_RIA, on=ROUND_DEADLINE, level="commune")
    owners = list(Establishment.objects.filter(commune=commune).order_by("pk")[:2])
    if len(owners) < 2:
        return
    level = RecognitionLevel.objects.get(code="commune", valid_from__lte=ROUND_DEADLINE, valid_to__isnull=True)
    selection_round = products.round_create(actor=admin, data={
        "name": f"Bình chọn sản phẩm CNNT tiêu biểu cấp xã năm 2026 – {commune.name}", "level": level,
        "organiser": commune, "year": 2026, "plan_document_no": "15/KH-UBND", "dossier_deadline": ROUND_DEADLINE,
        "rule_set": RuleSet.objects.order_by("valid_from").first()})
    council = products.council_create(actor=admin, selection_round=selection_round,
                                      name=f"Hội đồng bình chọn sản phẩm CNNT tiêu biểu {commune.name} 2026")
    jurors = [User.objects.get(username=f"giamkhao{i}") for i in (1, 2, 3)]
    for juror in jurors:
        products.council_member_add(actor=admin, council=council, user=juror, role=MemberRole.JUROR)
    products.council_member_add(actor=admin, council=council, user=User.objects.get(username="thuky"),
                                role=MemberRole.SECRETARY)
    nominations = [_nominate(admin, selection_round, owner, name)
                   for owner, name in zip(owners, ["Nước mắm cá cơm Bà Rịa", "Hạt điều rang muối Bà Rịa"],
                                          strict=True)]
    products.round_start_scoring(actor=admin, selection_round=selection_round)
    for n, nomination in enumerate(nominations):
        for j, juror in enumerate(jurors):
            products.score_sheet_submit(actor=juror, nomination=nomination,
                                        points={"1": 30 + n + j, "2": 29 + j, "3": 8, "4": 7 + n})


def _nominate(admin: User, selection_round: SelectionRound, owner: Establishment, name: str) -> Nomination:
    group = ProductGroup.objects.get(code="agro_food", valid_to__isnull=True)
    product = products.product_create(actor=admin, data={"establishment": owner, "name": name, "group": group,
                                                         "description": "Sản phẩm truyền thống của phường."})
    for kind in group.required_documents:
        products.product_document_add(actor=admin, product=product, kind=kind, title=f"Giấy tờ {kind}")
    return products.nomination_create(actor=admin, selection_round=selection_round, product=product,
                                      made_by_establishment=True, submitted_on=dt.date(2026, 10, 15))


NEXT_LEVEL_DEADLINE = dt.date(2025, 10, 31)
PROVINCE_DEADLINE = dt.date(2027, 3, 31)


def _product_eligible_for_next_level() -> None:
    """A 2025 commune round carried through to its decision, then a 2027 provincial round left open."""
    admin = User.objects.get(username="quantri")
    commune = unit_by_code(BA_RIA, on=NEXT_LEVEL_DEADLINE, level="commune")
    owner = Establishment.objects.filter(commune=commune).order_by("pk").first()
    if owner is None:
        return
    rule_set = RuleSet.objects.order_by("valid_from").first()
    level = RecognitionLevel.objects.get(code="commune", valid_from__lte=NEXT_LEVEL_DEADLINE, valid_to__isnull=True)
    selection_round = products.round_create(actor=admin, data={
        "name": f"Bình chọn sản phẩm CNNT tiêu biểu cấp xã năm 2025 – {commune.name}", "level": level,
        "organiser": commune, "year": 2025, "plan_document_no": "9/KH-UBND", "dossier_deadline": NEXT_LEVEL_DEADLINE,
        "rule_set": rule_set})
    council = products.council_create(actor=admin, selection_round=selection_round,
                                      name=f"Hội đồng bình chọn sản phẩm CNNT tiêu biểu {commune.name} 2025")
    jurors = [User.objects.get(username=f"giamkhao{i}") for i in (1, 2, 3)]
    for juror in jurors:
        products.council_member_add(actor=admin, council=council, user=juror, role=MemberRole.JUROR)
    products.council_member_add(actor=admin, council=council, user=User.objects.get(username="thuky"),
                                role=MemberRole.SECRETARY)
    group = ProductGroup.objects.get(code="agro_food", valid_to__isnull=True)
    product = products.product_create(actor=admin, data={
        "establishment": owner, "name": "Bánh tráng phơi sương Bà Rịa", "group": group,
        "description": "Bánh tráng tráng tay, phơi sương đêm; được công nhận cấp xã năm 2025."})
    for kind in group.required_documents:
        products.product_document_add(actor=admin, product=product, kind=kind, title=f"Giấy tờ {kind}")
    nomination = products.nomination_create(actor=admin, selection_round=selection_round, product=product,
                                            made_by_establishment=True, submitted_on=dt.date(2025, 10, 1))
    products.round_start_scoring(actor=admin, selection_round=selection_round)
    for j, juror in enumerate(jurors):
        products.score_sheet_submit(actor=juror, nomination=nomination, points={"1": 34 + j, "2": 33, "3": 9, "4": 8})
    products.round_close_scoring(actor=admin, selection_round=selection_round)
    products.round_approve(actor=admin, selection_round=selection_round)
    products.recognition_decide(actor=admin, selection_round=selection_round, number="25/QĐ-UBND",
                                decided_on=dt.date(2025, 12, 15))
    province = unit_by_code("79", on=PROVINCE_DEADLINE, level="province")
    provincial = RecognitionLevel.objects.get(code="province", valid_from__lte=PROVINCE_DEADLINE,
                                              valid_to__isnull=True)
    products.round_create(actor=admin, data={
        "name": "Bình chọn sản phẩm CNNT tiêu biểu cấp tỉnh năm 2027", "level": provincial, "organiser": province,
        "year": 2027, "plan_document_no": "3/KH-SCT", "dossier_deadline": PROVINCE_DEADLINE, "rule_set": rule_set})
