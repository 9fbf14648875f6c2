"""Unit picker source: units in force on a day (``on``), found by folded name, labelled with their parent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.forms import PickerSelect
from khuyencong.core.pickers import LIMIT
from khuyencong.core.text import fold
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import units_valid_on


def parse_day(text: str | None) -> dt.date:
    field = forms.DateField(required=False)
    try:
        return field.clean(text) or timezone.localdate()
    except ValidationError:
        return timezone.localdate()


def unit_label(unit: AdministrativeUnit) -> str:
    """"Phường Bà Rịa — Thành phố Hồ Chí Minh"; a unit that ended marks its last day."""
    label = unit.name
    if unit.parent is not None:
        label = f"{label} — {unit.parent.name}"
    if unit.valid_to is not None:
        first_day_after = (unit.valid_to + dt.timedelta(days=1)).strftime("%d/%m/%Y")
        label = f"{label} " + _("(trước %(day)s)") % {"day": first_day_after}
    return label


def search(user: Any, query: str, params: Mapping[str, str]) -> list[tuple[str, str]]:
    """Units are public reference data; ``parent`` (a province code) narrows to its units (cascading)."""
    day = parse_day(params.get("on"))
    units = units_valid_on(day).filter(search_name__contains=fold(query)).select_related("parent")
    level = params.get("level")
    if level in ("province", "district", "commune"):
        units = units.filter(level=level)
    if params.get("parent"):
        units = units.filter(Q(parent__code=params["parent"]) | Q(parent__parent__code=params["parent"]))
    by = "code" if params.get("value") == "code" else "pk"
    return [(str(getattr(unit, by)), unit_label(unit)) for unit in units.order_by("level", "search_name")[:LIMIT]]


def label_for_code(code: str, on: dt.date | None = None) -> str:
    """A unit code as the picker shows it: the unit's name as drawn on ``on`` (or its last version)."""
    from khuyencong.geo.selectors import UnitNotFound, unit_by_code

    try:
        return unit_label(unit_by_code(code, on=on or timezone.localdate()))
    except UnitNotFound:
        last = AdministrativeUnit.objects.filter(code=code).select_related("parent").order_by("-valid_from").first()
        return unit_label(last) if last else code


class UnitCodePicker(PickerSelect):
    """The unit picker for a field that holds a unit *code* (filters, venues): officials type a name,
    choose, and the form receives the code; the current code is shown by its name, never as digits."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, blank: Any = "") -> None:
        super().__init__("units", attrs=attrs, params={"value": "code"})
        self.blank = blank

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        code = next((str(v) for v in value if v), "")
        self.choices = [("", self.blank), *([(code, label_for_code(code))] if code else [])]
        return forms.Select.optgroups(self, name, value, attrs)
