"""Lifecycles as data: a transition table, one shape of event row, one limit on its note.

A domain app (schemes, selection rounds, training participations) declares its :class:`Lifecycle`
from :class:`Step` rows — the status reached, the statuses it may be reached from, who may take it and
which fields it records — and an event model derived from :class:`LifecycleEvent`. Its services keep
their own domain checks and messages; the lifecycle refuses moves the table does not hold, refuses
actors the step does not admit, and stores each move as one event row (who, when, from, to, note).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core import services as core
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.core.services import attribute

#: The one limit on an event's note (the longest the three event tables ever allowed, so no stored note
#: is cut): forms, the API and the services all check against it.
NOTE_MAX_LENGTH = 4000


def note_too_long(label: str | Promise) -> str:
    """The Vietnamese message for a note over the limit, naming the field as the user sees it."""
    return gettext("%(field)s dài tối đa %(limit)d ký tự.") % {"field": label, "limit": NOTE_MAX_LENGTH}


def note_problem(value: str, label: str | Promise) -> str | None:
    """:func:`note_too_long` if ``value`` is over the limit, else None."""
    return note_too_long(label) if len(value) > NOTE_MAX_LENGTH else None


def note_errors(label: str | Promise) -> dict[str, Any]:
    """``error_messages`` for a form or serializer field of ``max_length=NOTE_MAX_LENGTH``: the same message
    as the services' (it has no placeholder left, so Django's ``%`` and DRF's ``format`` leave it as is)."""
    return {"max_length": lazy(note_too_long, str)(label)}


def validate_note(value: str) -> None:
    """The model field's validator: the event note, under its own label."""
    if message := note_problem(value or "", _("Ghi chú")):
        raise ValidationError(message, code="max_length")


def check_note(note: str, *, field: str = "note", label: str | Promise | None = None) -> str:
    """``note`` if within the limit, else a ValidationError on ``field`` (services call this first)."""
    message = note_problem(note, label or _("Ghi chú"))
    if message:
        raise ValidationError({field: message}, code="max_length")
    return note


class LifecycleEvent(models.Model):
    """One move of a record's lifecycle (append-only); the subclass adds the foreign key to its record,
    named by ``record_field``, and narrows the statuses to its choices."""

    record_field: ClassVar[str]

    from_status = models.CharField(_("từ trạng thái"), max_length=20, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    note = models.TextField(_("ghi chú"), blank=True, validators=[validate_note])

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{getattr(self, self.record_field + '_id')}: {self.from_status} → {self.to_status}"


def status_field(label: Any, choices: Any, *, blank: bool = False) -> models.CharField[Any, Any]:
    """A status column of an event table (one width for every lifecycle); ``label`` a lazy string."""
    return models.CharField(label, max_length=20, choices=choices, blank=blank)


@dataclass(frozen=True)
class Step:
    """One row of a transition table: ``target`` may be reached from ``sources`` by an actor ``may`` admits
    (``may(actor, record)``; ``refusal`` is the message otherwise), recording ``required`` fields and,
    when given, ``optional`` ones."""

    target: str
    sources: AbstractSet[str]
    may: Callable[[Any, Any], bool] | None = None
    refusal: str | Promise | None = None
    required: AbstractSet[str] = frozenset()
    optional: AbstractSet[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("sources", "required", "optional"):  # a row of data: frozen all the way down
            object.__setattr__(self, name, frozenset(getattr(self, name)))


class Lifecycle:
    """A state machine over ``statuses``; moves outside the table are refused with ``refused``
    (``%(a)s``/``%(b)s``: the labels of the current and the asked status) on ``error_field``.

    ``may``/``refusal`` admit actors to every step that names no rule of its own, and to a status the
    table does not know (so an outsider asking for a bogus move is refused as an outsider).
    """

    def __init__(self, *, statuses: type[models.TextChoices], event: type[LifecycleEvent], steps: Iterable[Step],
                 refused: str | Promise, error_field: str = "status", error_code: str | None = None,
                 may: Callable[[Any, Any], bool] | None = None, refusal: str | Promise | None = None) -> None:
        self.statuses, self.event = statuses, event
        self.steps: dict[str, Step] = {step.target: step for step in steps}
        self.may, self.refusal = may, refusal
        self.refused, self.error_field, self.error_code = refused, error_field, error_code
        self.table: dict[str, set[str]] = {status: set() for status in statuses.values}
        for step in self.steps.values():
            for source in step.sources:
                self.table[source].add(step.target)
        self.fields: dict[str, tuple[set[str], set[str]]] = {
            target: (set(step.required), set(step.optional)) for target, step in self.steps.items()}

    def label(self, status: str) -> str:
        return str(self.statuses(status).label) if status in self.statuses.values else status

    def targets(self, status: str) -> list[str]:
        """The statuses reachable from ``status``, in the order the statuses are declared."""
        return [target for target in self.statuses.values if target in self.table.get(status, ())]

    def check(self, current: str, target: str) -> Step:
        """The step from ``current`` to ``target``; a ValidationError if the table has none."""
        if target not in self.table.get(current, ()):
            raise ValidationError({self.error_field: self.refused % {"a": self.label(current),
                                                                     "b": self.label(target)}},
                                  code=self.error_code)
        return self.steps[target]

    def authorise(self, actor: Any, record: Any, target: str) -> None:
        """Refuse ``actor`` unless the step to ``target`` admits them (a 403, not a form error)."""
        step = self.steps.get(target)
        may, refusal = (step.may, step.refusal) if step is not None and step.may is not None else (self.may,
                                                                                                   self.refusal)
        if may is not None and not may(actor, record):
            raise PermissionDeniedError(str(refusal) if refusal else None)

    def record(self, record: models.Model, *, actor: Any, source: str, target: str, note: str = "",
               **extra: Any) -> LifecycleEvent:
        """Store the move as one event row, its history row naming ``actor``."""
        event = self.event(**{self.event.record_field: record}, actor=actor, from_status=source, to_status=target,
                           note=check_note(note), **extra)
        # Statuses and note are checked here without a query per foreign key (the caller holds the rows).
        event.clean_fields(exclude=[f.name for f in self.event._meta.concrete_fields if f.is_relation])
        attribute(event, actor)  # read by django-simple-history
        event.save()
        return event

    def move(self, record: Any, *, actor: Any, target: str, note: str = "", expected_version: int | None = None,
             field: str = "status", **extra: Any) -> Any:
        """Check, change ``record``'s status, save it against ``expected_version`` and record the event."""
        current = getattr(record, field)
        self.check(current, target)
        setattr(record, field, target)
        core.save_changes(record, actor=actor, expected_version=expected_version)
        self.record(record, actor=actor, source=current, target=target, note=note, **extra)
        return record

    def required_fields(self, target: str, given: Mapping[str, Any]) -> dict[str, str]:
        """Per field, why ``given`` does not fit the step to ``target``: unused there, or missing."""
        required, optional = self.fields.get(target, (set(), set()))
        label = self.label(target)
        errors = {name: gettext("Trường này không dùng khi chuyển sang “%(s)s”.") % {"s": label}
                  for name in sorted(set(given) - required - optional)}
        for name in sorted(required):
            if given.get(name) in (None, ""):
                errors[name] = gettext("Cần nhập trường này để chuyển sang “%(s)s”.") % {"s": label}
        return errors
