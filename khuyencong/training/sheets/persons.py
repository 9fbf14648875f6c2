"""Reading the person columns shared by the participant and follow-up sheets."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from khuyencong.core.text import fold
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.training.models import Person, PersonRole
from khuyencong.training.services import NewPerson
from khuyencong.training.sheets.common import (
    _PERSON_VALIDATORS,
    _chunks,
    _employer,
    _national_id,
    _state,
    _stored_person_key,
)


class _PersonReader:
    """Reads the person columns of a row: identity, masking, consistency with other rows."""

    def __init__(self, ctx: ImportContext, sheet: SheetSpec, rows: list[Row], *, full: bool) -> None:
        self.ctx, self.sheet, self.full = ctx, sheet, full
        self.state = _state(ctx)
        self.today = timezone.localdate()
        for row in rows:
            row.values["national_id"] = _national_id(row.values["national_id"] or "")
            if row.values["birth_date"] and not row.values["birth_year"]:
                row.values["birth_year"] = row.values["birth_date"].year
        self.stored = self._prefetch(rows)

    def _prefetch(self, rows: list[Row]) -> dict[tuple[Any, ...], list[Person]]:
        ids = sorted({r.values["national_id"] for r in rows if r.values["national_id"]
                      and ("id", r.values["national_id"]) not in self.state.persons})
        names = sorted({fold(r.values["full_name"]) for r in rows if not r.values["national_id"]})
        stored: dict[tuple[Any, ...], list[Person]] = {}
        query = Person.objects.all()  # communes come from the import's unit directory when needed
        for part in _chunks(ids):
            for person in query.filter(national_id__in=part):
                stored.setdefault(_stored_person_key(person), []).append(person)
        for part in _chunks(names):
            # Persons with an ID come too: a name match with one of them is a suspected duplicate.
            for person in query.filter(search_name__in=part):
                stored.setdefault(_stored_person_key(person), []).append(person)
                if person.national_id:
                    stored.setdefault(("suspect", person.search_name, person.birth_date, person.commune_id),
                                      []).append(person)
        return stored

    def values(self, row: Row) -> dict[str, Any] | None:
        """The person's values from ``row`` (only the identity columns when not ``full``), or None."""
        v = row.values
        ok = True
        if "*" in v["national_id"]:
            self._problem(row, "national_id", "Số định danh đã bị che (tệp được xuất bởi tài khoản không được xem "
                                              "đầy đủ). Không thể nhập số bị che: hãy ghi số đầy đủ.")
            ok = False
        elif v["national_id"]:
            ok = self._field_ok(row, "national_id", v["national_id"]) and ok
        if v["birth_date"] and v["birth_date"] > self.today:
            self._problem(row, "birth_date", "Ngày sinh không được sau ngày hôm nay.")
            ok = False
        elif v["birth_date"] and v["birth_year"] != v["birth_date"].year:
            self._problem(row, "birth_year", f"Năm sinh {v['birth_year']} không khớp với ngày sinh.")
            ok = False
        elif v["birth_year"] is not None:
            ok = self._field_ok(row, "birth_year", v["birth_year"]) and ok
        ok = self._field_ok(row, "full_name", v["full_name"]) and ok
        if v["commune"] is not None and v["commune"].level != "commune":
            self._problem(row, "commune", "Hãy ghi đơn vị cấp xã/phường/đặc khu.")
            ok = False
        if not self.full:
            return {"national_id": v["national_id"], "full_name": v["full_name"], "birth_date": v["birth_date"],
                    "birth_year": v["birth_year"], "commune": v["commune"]} if ok else None
        return self._full_values(row) if ok else None

    def _full_values(self, row: Row) -> dict[str, Any] | None:
        v = row.values
        values = {
            "national_id": v["national_id"] or None, "full_name": v["full_name"], "birth_date": v["birth_date"],
            "birth_year": v["birth_year"], "gender": v["gender"], "ethnicity": v["ethnicity"],
            "commune": v["commune"], "role": v["role"] or PersonRole.WORKER,
            "phone": (v["phone"] or "").replace(" ", "").replace(".", ""), "employer": None,
        }
        ok = True
        if "*" in values["phone"]:
            self._problem(row, "phone", "Số điện thoại đã bị che; không thể nhập số bị che: hãy ghi số đầy đủ.")
            ok = False
        for name in ("gender", "ethnicity", "role", "phone"):
            ok = self._field_ok(row, name, values[name]) and ok
        employer_ok, values["employer"] = _employer(self.ctx, self.sheet, row)
        return values if ok and employer_ok else None

    def _field_ok(self, row: Row, name: str, value: Any) -> bool:
        errors = _PERSON_VALIDATORS.errors(name, value)
        for message in errors:
            self._problem(row, name, message)
        return not errors

    def _problem(self, row: Row, column: str, message: str) -> None:
        self.ctx.problem(self.sheet, row, column, message)

    def lookup(self, key: tuple[Any, ...]) -> Person | NewPerson | bool | None:
        """The stored person with ``key``; False when several match (ambiguous)."""
        seen = self.state.persons.get(key)
        if seen is not None:
            return seen.person
        found = self.stored.get(key, [])
        return found[0] if len(found) == 1 else (False if found else None)

    def suspects(self, values: dict[str, Any]) -> list[Person]:
        return self.stored.get(("suspect", fold(values["full_name"]), values["birth_date"], values["commune"].pk), [])
