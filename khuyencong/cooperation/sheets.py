"""The cooperation register: international partners, agreements, joint activities and the officials taking part.

Natural keys (none of these records has a code of its own):

* partner: name + country (the model's unique constraint);
* agreement: partner + title;
* activity: title + start date;
* participant: activity + person, the person by national ID number (CCCD), or by name + birth date +
  commune of residence when there is none (the training app's duplicate rule).

A participant row carries the few facts needed to record the official if the system does not know
them yet (created through the training service, as a civil servant); a known person is only
referred to, never changed here: persons are maintained in the training register.

Only civil servants and public employees may take part (``participant_add`` refuses anyone else),
so the export leaves out any other participant (only bulk-loaded data can hold one, e.g. the demo's
business owner on a study tour, who is not counted by the report either).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db.models.functions import Collate
from django.urls import reverse

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import is_active_member, visible_commune_ids
from khuyencong.cooperation import services
from khuyencong.cooperation.models import Activity, ActivityKind, ActivityParticipant, Agreement, Partner
from khuyencong.cooperation.selectors import activities_for, agreements_for, partners_for
from khuyencong.core import review
from khuyencong.core.collation import COLLATION
from khuyencong.core.text import fold
from khuyencong.exchange.registry import register
from khuyencong.exchange.rows import (
    RowProblem,
    UnitReferences,
    labelled,
    only_match,
    refuse_repeat,
    run_rows,
    saved,
    text,
    unit_cell,
)
from khuyencong.exchange.spec import Column, ImportContext, Kind, Row, SheetSpec
from khuyencong.training.masking import mask_national_id
from khuyencong.training.models import Gender, Person, PersonRole
from khuyencong.training.policy import PERSONAL_DATA
from khuyencong.training.policy import may_edit as may_edit_training
from khuyencong.training.selectors import persons_for
from khuyencong.training.services.persons import hold_person_id

_PARTNER = "Phòng Thương mại và Công nghiệp Sanjo (SCCI)"
_PARTNER_HELP = "Tên đối tác đúng như ở trang “Đối tác” (cùng với quốc gia để nhận diện)."
_COUNTRY_HELP = "Quốc gia của đối tác, như ở trang “Đối tác”."
_ACTIVITY = "Khóa đào tạo tại Sanjo về gia công kim loại"
_ACTIVITY_HELP = "Tên hoạt động đúng như ở trang “Hoạt động” (cùng với ngày bắt đầu để nhận diện)."

PARTNERS = SheetSpec(
    name="Đối tác",
    title="Một đối tác quốc tế",
    key=("name", "country"),
    columns=(
        Column("Tên đối tác", "name", required=True, max_length=255,
               help="Tên đầy đủ của đối tác; tên cùng quốc gia nhận diện đối tác khi nhập lại.", example=_PARTNER),
        Column("Quốc gia", "country", required=True, max_length=100, help="Tên quốc gia.", example="Nhật Bản"),
        Column("Thành phố", "city", max_length=100, help="Thành phố (nếu có).", example="Sanjo"),
        Column("Ghi chú", "notes", max_length=4000, help="Ghi chú tự do.", example=""),
    ),
)

AGREEMENTS = SheetSpec(
    name="Thỏa thuận",
    title="Một thỏa thuận (biên bản ghi nhớ) với một đối tác",
    key=("partner", "partner_country", "title"),
    columns=(
        Column("Tên đối tác", "partner", required=True, max_length=255, help=_PARTNER_HELP, example=_PARTNER),
        Column("Quốc gia của đối tác", "partner_country", required=True, max_length=100, help=_COUNTRY_HELP,
               example="Nhật Bản"),
        Column("Tên thỏa thuận", "title", required=True, max_length=255,
               help="Tên thỏa thuận; không trùng giữa các thỏa thuận của cùng một đối tác.",
               example="Biên bản ghi nhớ hợp tác khuyến công"),
        Column("Ngày ký", "signed_on", Kind.DATE, required=True, help="Dạng dd/mm/yyyy.", example="02/11/2015"),
        Column("Hiệu lực từ", "valid_from", Kind.DATE, required=True, help="Dạng dd/mm/yyyy.",
               example="02/11/2015"),
        Column("Hiệu lực đến", "valid_to", Kind.DATE, help="Để trống nếu không thời hạn; không trước ngày ký.",
               example=""),
        Column("Ghi chú", "notes", max_length=4000, help="Ghi chú tự do.", example=""),
    ),
)

ACTIVITIES = SheetSpec(
    name="Hoạt động",
    title="Một hoạt động hợp tác quốc tế (lớp đào tạo, khảo sát, hội thảo)",
    key=("title", "start_date"),
    columns=(
        Column("Tên hoạt động", "title", required=True, max_length=255,
               help="Tên hoạt động; tên cùng ngày bắt đầu nhận diện hoạt động khi nhập lại.", example=_ACTIVITY),
        Column("Ngày bắt đầu", "start_date", Kind.DATE, required=True,
               help="Dạng dd/mm/yyyy; báo cáo tính hoạt động theo ngày bắt đầu.", example="07/10/2019"),
        Column("Ngày kết thúc", "end_date", Kind.DATE, required=True,
               help="Dạng dd/mm/yyyy; không được trước ngày bắt đầu.", example="17/10/2019"),
        Column("Loại hoạt động", "kind", Kind.CHOICE, required=True, choices=labelled(ActivityKind),
               help="Chọn trong danh sách.", example="Lớp đào tạo ở nước ngoài"),
        Column("Tên đối tác", "partner", required=True, max_length=255, help=_PARTNER_HELP, example=_PARTNER),
        Column("Quốc gia của đối tác", "partner_country", required=True, max_length=100, help=_COUNTRY_HELP,
               example="Nhật Bản"),
        Column("Tên thỏa thuận", "agreement", max_length=255,
               help="Thỏa thuận của đối tác này mà hoạt động thực hiện (nếu có), như ở trang “Thỏa thuận”.",
               example="Biên bản ghi nhớ hợp tác khuyến công"),
        Column("Địa bàn tổ chức", "organising_unit", required=True, max_length=150,
               help="Mã (hoặc tên) tỉnh hoặc xã/phường tổ chức hoạt động, có hiệu lực vào ngày bắt đầu; báo "
                    "cáo tính theo địa bàn này, không theo nơi diễn ra.", example="77"),
        Column("Địa điểm trong nước", "venue_unit", max_length=150,
               help="Mã (hoặc tên) xã/phường nơi diễn ra nếu ở trong nước; để trống nếu ở nước ngoài.",
               example=""),
        Column("Nước (nếu ở nước ngoài)", "abroad_country", max_length=100,
               help="Bắt buộc với lớp đào tạo ở nước ngoài.", example="Nhật Bản"),
        Column("Thành phố (nước ngoài)", "abroad_city", max_length=100, help="Thành phố ở nước ngoài (nếu có).",
               example="Sanjo"),
        Column("Ghi chú", "notes", max_length=4000, help="Ghi chú tự do.", example=""),
    ),
)

PARTICIPANTS = SheetSpec(
    name="Người tham gia",
    title="Một lượt một cán bộ, công chức, viên chức tham gia một hoạt động",
    key=("activity", "activity_start_date", "national_id", "full_name", "birth_date", "commune"),
    personal=("national_id",),
    person_key=("national_id", "full_name", "birth_date", "commune"),
    columns=(
        Column("Tên hoạt động", "activity", required=True, max_length=255, help=_ACTIVITY_HELP, example=_ACTIVITY),
        Column("Ngày bắt đầu hoạt động", "activity_start_date", Kind.DATE, required=True,
               help="Ngày bắt đầu của hoạt động ở trang “Hoạt động”.", example="07/10/2019"),
        Column("Số định danh cá nhân (CCCD)", "national_id", max_length=12,
               help="12 chữ số; nhận diện người tham gia. Nếu không có, nhận diện theo họ tên, ngày sinh và "
                    "xã/phường cư trú.", example="077085001234"),
        Column("Họ và tên", "full_name", required=True, max_length=150, help="Họ và tên đầy đủ.",
               example="Nguyễn Văn An"),
        Column("Ngày sinh", "birth_date", Kind.DATE, help="Dạng dd/mm/yyyy.", example="15/03/1985"),
        Column("Giới tính", "gender", Kind.CHOICE, choices=labelled(Gender),
               help="Cần khi người này chưa có trong hệ thống.", example="Nam"),
        Column("Xã/phường cư trú", "commune", required=True, max_length=150,
               help="Mã (hoặc tên) xã/phường nơi cư trú.", example="26560"),
        Column("Dân tộc", "ethnicity", max_length=50, help="Dùng khi ghi nhận người mới.", example="Kinh"),
    ),
)


def personal_data_reader(actor: User) -> Callable[[Person], bool]:
    """``training.policy.sees_personal_data`` for one actor, with the actor's communes read once
    (that function looks them up on every call, a query per row for a commune officer)."""
    if not is_active_member(actor) or actor.role not in PERSONAL_DATA:
        return lambda person: False
    communes = visible_commune_ids(actor)
    return lambda person: communes is None or person.commune_id in communes


class CooperationRegister:
    code = "cooperation"
    title = "Hợp tác quốc tế"
    sheets: tuple[SheetSpec, ...] = (PARTNERS, AGREEMENTS, ACTIVITIES, PARTICIPANTS)

    def may_import(self, user: User) -> bool:
        """May this role create the register's records at all? Row scope is the services' own."""
        # The participants are trainees (Person rows): the training rule applies.
        return may_edit_training(user)

    # Export -----------------------------------------------------------------------------------------

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        exporters: dict[str, Callable[[User], Iterator[list[Any]]]] = {
            PARTNERS.name: self._export_partners, AGREEMENTS.name: self._export_agreements,
            ACTIVITIES.name: self._export_activities, PARTICIPANTS.name: self._export_participants,
        }
        return exporters[sheet.name](actor)

    def _export_partners(self, actor: User) -> Iterator[list[Any]]:
        for p in partners_for(actor):
            yield [p.name, p.country, p.city, p.notes]

    def _export_agreements(self, actor: User) -> Iterator[list[Any]]:
        for a in agreements_for(actor).order_by(Collate("partner__name", COLLATION), "signed_on", "pk"):
            yield [a.partner.name, a.partner.country, a.title, a.signed_on, a.valid_from, a.valid_to, a.notes]

    def _export_activities(self, actor: User) -> Iterator[list[Any]]:
        for a in activities_for(actor).order_by("start_date", "title", "pk"):
            yield [a.title, a.start_date, a.end_date, a.kind, a.partner.name, a.partner.country,
                   a.agreement.title if a.agreement else "", unit_cell(a.organising_unit), unit_cell(a.venue_unit),
                   a.abroad_country, a.abroad_city, a.notes]

    def _export_participants(self, actor: User) -> Iterator[list[Any]]:
        activities = activities_for(actor).values("pk")
        items = (ActivityParticipant.objects.filter(activity__in=activities, person__role=PersonRole.CIVIL_SERVANT)
                 .select_related("activity", "person__commune")
                 .order_by("activity__start_date", "activity__title", "activity_id",
                           Collate("person__full_name", COLLATION), "pk"))
        sees = personal_data_reader(actor)
        for p in items.iterator(chunk_size=2000):
            person = p.person
            # The full number only for whoever may see it; others get the masked form, which the
            # import recognises as "the person already recorded" (see References.person).
            national_id = person.national_id if sees(person) else mask_national_id(person.national_id)
            yield [p.activity.title, p.activity.start_date, national_id or "", person.full_name, person.birth_date,
                   person.gender, person.commune.code, person.ethnicity]

    # Import -----------------------------------------------------------------------------------------

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        importers: dict[str, Callable[[list[Row], ImportContext, References], None]] = {
            PARTNERS.name: self._import_partners, AGREEMENTS.name: self._import_agreements,
            ACTIVITIES.name: self._import_activities, PARTICIPANTS.name: self._import_participants,
        }
        importers[sheet.name](rows, ctx, References(ctx.actor))

    def _import_partners(self, rows: list[Row], ctx: ImportContext, refs: References) -> None:
        seen: dict[Any, int] = {}

        def write(row: Row) -> str:
            v = row.values
            data = {"name": text(v.get("name")), "country": text(v.get("country")), "city": text(v.get("city")),
                    "notes": text(v.get("notes"))}
            refuse_repeat(seen, (fold(data["name"]), fold(data["country"])), row, "name")
            return saved(refs.partner_or_none(data["name"], data["country"]), data,
                         lambda: services.partner_create(actor=ctx.actor, data=data),
                         lambda found: services.partner_update(actor=ctx.actor, partner=found, data=data,
                                                               expected_version=found.version))

        run_rows(PARTNERS, rows, ctx, write)

    def _import_agreements(self, rows: list[Row], ctx: ImportContext, refs: References) -> None:
        seen: dict[Any, int] = {}

        def write(row: Row) -> str:
            v = row.values
            partner = refs.partner(v.get("partner"), v.get("partner_country"))
            title = text(v.get("title"))
            data = {"title": title, "signed_on": v.get("signed_on"), "valid_from": v.get("valid_from"),
                    "valid_to": v.get("valid_to"), "notes": text(v.get("notes"))}
            refuse_repeat(seen, (partner.pk, fold(title)), row, "title")
            return saved(refs.agreement_or_none(partner, title), data,
                         lambda: services.agreement_create(actor=ctx.actor, partner=partner, data=data),
                         lambda found: services.agreement_update(actor=ctx.actor, agreement=found, data=data,
                                                                 expected_version=found.version))

        run_rows(AGREEMENTS, rows, ctx, write)

    def _import_activities(self, rows: list[Row], ctx: ImportContext, refs: References) -> None:
        seen: dict[Any, int] = {}

        def write(row: Row) -> str:
            v = row.values
            start = v.get("start_date")
            partner = refs.partner(v.get("partner"), v.get("partner_country"))
            agreement_title, title = text(v.get("agreement")), text(v.get("title"))
            data = {
                "title": title, "start_date": start, "end_date": v.get("end_date"),
                "kind": v.get("kind") or "", "partner": partner,
                "agreement": refs.agreement(partner, agreement_title) if agreement_title else None,
                "organising_unit": refs.unit(v.get("organising_unit"), on=start, field="organising_unit",
                                             levels=("province", "commune")),
                "venue_unit": refs.unit(v.get("venue_unit"), on=start, field="venue_unit"),
                "abroad_country": text(v.get("abroad_country")), "abroad_city": text(v.get("abroad_city")),
                "notes": text(v.get("notes")),
            }
            refuse_repeat(seen, (fold(title), start), row, "title")
            return saved(refs.activity_or_none(title, start), data,
                         lambda: services.activity_create(actor=ctx.actor, data=data),
                         lambda found: services.activity_update(actor=ctx.actor, activity=found, data=data,
                                                                expected_version=found.version))

        run_rows(ACTIVITIES, rows, ctx, write)

    def _import_participants(self, rows: list[Row], ctx: ImportContext, refs: References) -> None:
        seen: dict[Any, int] = {}

        def write(row: Row) -> str:
            v = row.values
            activity = refs.activity(v.get("activity"), v.get("activity_start_date"))
            person = refs.person(v)
            identity = person.pk if person else (fold(text(v.get("full_name"))), v.get("birth_date"))
            refuse_repeat(seen, (activity.pk, identity), row, "full_name")
            if person is None:
                person = refs.create_person(v)
            elif activity.participants.filter(person=person).exists():
                return "unchanged"
            services.participant_add(actor=ctx.actor, activity=activity, person=person)
            return "created"

        run_rows(PARTICIPANTS, rows, ctx, write, {"person": "full_name", "birth_year": "birth_date"})


class References(UnitReferences):
    """Partners, agreements, activities, persons and units named by the rows of one ``import_rows`` call.

    A record that exists but lies outside the actor's scope is reported, never matched or duplicated.
    """

    unit_levels = ("commune",)

    def __init__(self, actor: User) -> None:
        self.actor = actor

    # Partners and agreements

    def partner_or_none(self, name: str, country: str) -> Partner | None:
        return partners_for(self.actor).filter(name=name, country=country).first()

    def partner(self, name: Any, country: Any) -> Partner:
        found = self.partner_or_none(text(name), text(country))
        if found is None:
            raise RowProblem("partner", f"Không tìm thấy đối tác “{text(name)}” ({text(country)}). Hãy ghi đối tác "
                                        "ở trang “Đối tác” hoặc kiểm tra lại tên và quốc gia.")
        return found

    def agreement_or_none(self, partner: Partner, title: str) -> Agreement | None:
        return only_match(agreements_for(self.actor).filter(partner=partner, title=title), "title",
                          f"Đối tác có nhiều thỏa thuận tên “{title}”; hãy đổi tên cho khác nhau trên trang "
                          "“Đối tác” trước khi nhập.")

    def agreement(self, partner: Partner, title: str) -> Agreement:
        try:
            found = self.agreement_or_none(partner, title)
        except RowProblem as exc:
            raise RowProblem("agreement", exc.message) from None
        if found is None:
            raise RowProblem("agreement", f"Đối tác “{partner.name}” không có thỏa thuận “{title}”. Hãy ghi thỏa "
                                          "thuận ở trang “Thỏa thuận” hoặc kiểm tra lại tên.")
        return found

    # Activities

    def activity_or_none(self, title: str, start: Any) -> Activity | None:
        found = only_match(activities_for(self.actor).filter(title=title, start_date=start), "title",
                           "Có nhiều hoạt động cùng tên và ngày bắt đầu trong hệ thống; hãy sửa trên trang "
                           "“Hợp tác quốc tế” trước khi nhập.")
        if found is not None:
            return found
        other = Activity.objects.filter(title=title, start_date=start).first()
        if other is not None:  # organised by another area: neither said nor hidden from the province
            review.hold(register="cooperation.activity", field="title", record=other, actor=self.actor,
                        label=f"{other.title} ({other.start_date:%d/%m/%Y})",
                        url=reverse("cooperation:activity_detail", args=[other.pk]))
            raise RowProblem("title", review.held_message("tên và ngày bắt đầu hoạt động"))
        return None

    def activity(self, title: Any, start: Any) -> Activity:
        found = activities_for(self.actor).filter(title=text(title), start_date=start).first()
        if found is None:
            day = start.strftime("%d/%m/%Y") if isinstance(start, dt.date) else "?"
            raise RowProblem("activity", f"Không tìm thấy hoạt động “{text(title)}” bắt đầu ngày {day} trong "
                                         "phạm vi bạn quản lý. Hãy ghi hoạt động ở trang “Hoạt động” hoặc kiểm tra "
                                         "lại tên và ngày bắt đầu.")
        return found

    # Persons

    def person(self, values: dict[str, Any]) -> Person | None:
        """The person a row names (``None``: not recorded yet).

        By ID number when it is written in full; otherwise (no number, or a masked export) by folded
        name + birth date + commune code, the training app's duplicate rule.
        """
        national_id = "".join(text(values.get("national_id")).split())
        visible = persons_for(self.actor)
        if national_id and "*" not in national_id:
            found = visible.filter(national_id=national_id).first()
            if found is not None:
                return found
            if (elsewhere := Person.objects.filter(national_id=national_id).first()) is not None:
                hold_person_id(self.actor, elsewhere)
                raise RowProblem("national_id", review.held_message("số định danh"))
            return None
        commune = self.unit(values.get("commune"), on=None, field="commune")
        same = visible.filter(search_name=fold(text(values.get("full_name"))), birth_date=values.get("birth_date"),
                              commune__code=commune.code if commune else "")
        if national_id:  # masked: the visible last digits must agree (two today, three in older exports)
            same = same.filter(national_id__endswith=national_id.replace("*", ""))
        match = only_match(same, "full_name", "Có nhiều người cùng họ tên, ngày sinh và xã/phường; hãy ghi số "
                                              "định danh cá nhân để phân biệt.")
        if match is not None:
            return match
        if national_id:
            raise RowProblem("national_id", "Số định danh bị che, không nhận ra người đã có; hãy ghi đủ 12 chữ số.")
        return None

    def create_person(self, values: dict[str, Any]) -> Person:
        from khuyencong.training.services.persons import person_create

        if not values.get("gender"):
            raise RowProblem("gender", "Người này chưa có trong hệ thống: hãy ghi giới tính để ghi nhận mới.")
        data = {
            "national_id": "".join(text(values.get("national_id")).split()) or None,
            "full_name": text(values.get("full_name")), "birth_date": values.get("birth_date"),
            "gender": values["gender"], "ethnicity": text(values.get("ethnicity")),
            "commune": self.unit(values.get("commune"), on=None, field="commune"),
            "role": PersonRole.CIVIL_SERVANT,
        }
        return person_create(actor=self.actor, data=data)


register(CooperationRegister())
