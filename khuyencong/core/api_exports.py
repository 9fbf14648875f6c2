"""CSV and XLSX export of every API list: ``GET …?format=csv|xlsx`` answers the list streamed, with the
columns of its output serializer (the same selector, scope and filters as the JSON list).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.core.streaming import (
    CSV,
    FORMAT_PARAM,
    FORMATS,
    XLSX,
    XLSX_CONTENT_TYPE,
    Accessor,
    ExportColumn,
    ListDisclosure,
    bad_format_message,
    export_table,
)

_TYPED_FIELDS = (serializers.IntegerField, serializers.DecimalField, serializers.FloatField,
                 serializers.DateField, serializers.DateTimeField, serializers.BooleanField)


def _field_value(field: serializers.Field, instance: Any, *, typed: bool) -> Any:
    """What ``Serializer.to_representation`` would put under this field (typed values kept raw)."""
    if instance is None:
        return None
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return None
    check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    if check is None:
        return None
    return attribute if typed else field.to_representation(attribute)


def serializer_columns(serializer: serializers.Serializer, prefix: str = "") -> list[ExportColumn]:
    """The columns of an API export: the output serializer's fields, named as in the JSON.

    Using the serializer keeps the export exactly as revealing as the JSON list (masking happens
    in the serializer); nested objects become ``commune.code``, ``commune.name`` columns.
    """
    columns: list[ExportColumn] = []
    personal = getattr(serializer, "personal_fields", ())  # fields masked for some readers
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        header = f"{prefix}{name}"
        if isinstance(field, serializers.Serializer):
            for child in serializer_columns(field, prefix=f"{header}."):
                columns.append(ExportColumn(child.header, _nested(field, child)))
            continue
        typed = isinstance(field, _TYPED_FIELDS) and not isinstance(field, serializers.SerializerMethodField)
        columns.append(ExportColumn(header, _reader(field, typed), personal=name in personal))
    return columns


def _reader(field: serializers.Field, typed: bool) -> Accessor:
    return lambda record: _field_value(field, record, typed=typed)


def _nested(field: serializers.Serializer, child: ExportColumn) -> Accessor:
    def read(record: Any) -> Any:
        try:
            inner = field.get_attribute(record)
        except SkipField:
            return None
        return None if inner is None else child.read(inner)
    return read


class CsvExportRenderer(BaseRenderer):
    """Makes ``?format=csv`` (and ``Accept: text/csv``) a valid choice on API lists.

    The list itself is answered by :class:`ExportableListMixin` with a streamed response; this
    renderer only ever renders error bodies, which it writes as JSON.
    """

    media_type = "text/csv"
    format = CSV
    charset: str | None = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        return JSONRenderer().render(data)


class XlsxExportRenderer(CsvExportRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = XLSX
    charset = None


def _exports(view: Any) -> bool:
    """Whether the view's current action answers ``format=csv|xlsx``: the list, and the list-valued actions
    the view set names in ``export_actions`` (a course's participants, a round's results…)."""
    action = getattr(view, "action", None)
    return action == "list" or action in getattr(view, "export_actions", ())


class ExportAutoSchema(AutoSchema):
    """Documents ``format`` on list operations of exportable view sets."""

    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())
        if _exports(self.view):
            params.append(OpenApiParameter(
                FORMAT_PARAM, str, enum=["json", CSV, XLSX], required=False,
                description="Xuất toàn bộ danh sách (cùng bộ lọc, không phân trang): csv (UTF-8 có BOM) hoặc xlsx."))
        return params

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        """The CSV and XLSX answers of a list are files, not the paginated JSON body."""
        operation = super().get_operation(*args, **kwargs)
        if operation and _exports(self.view):
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                for media_type in (CsvExportRenderer.media_type, XLSX_CONTENT_TYPE):
                    if media_type in content:
                        content[media_type] = {"schema": {"type": "string", "format": "binary"}}
        return operation


class ExportableListMixin:
    """Adds CSV and XLSX export to a DRF list view set: ``GET …?format=csv|xlsx``.

    The rows are ``filter_queryset(get_queryset())`` — the same selector, scoping and filters as
    the JSON list, without pagination — and the columns are the output serializer's fields, so the
    export never reveals more than the JSON does. Set ``export_filename`` (ASCII, no extension).

    A list-valued ``@action`` exports too when named in ``export_actions`` and answered with
    :meth:`action_rows` (the rows and the serializer class its JSON uses).
    """

    export_filename = "danh-sach"
    export_actions: tuple[str, ...] = ()
    schema: Any = ExportAutoSchema()

    def get_renderers(self) -> list[BaseRenderer]:
        renderers = list(super().get_renderers())  # type: ignore[misc]
        if _exports(self):
            renderers += [CsvExportRenderer(), XlsxExportRenderer()]
        return renderers

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        fmt = request.query_params.get(FORMAT_PARAM)
        if not force and _exports(self) and fmt is not None and fmt not in {r.format for r in self.get_renderers()}:
            raise ApiValidationError({FORMAT_PARAM: [bad_format_message(fmt)]})
        return super().perform_content_negotiation(request, force)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Error bodies (401, 403, 400…) of an export request are JSON, not a broken spreadsheet.
        if isinstance(response, Response) and getattr(request, "accepted_renderer", None) is not None \
                and request.accepted_renderer.format in FORMATS:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        fmt = request.accepted_renderer.format
        if fmt not in FORMATS:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        items = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        columns = serializer_columns(self.get_serializer())  # type: ignore[attr-defined]
        name = self.export_filename
        return export_table(fmt, filename=name, sheet_name=name, columns=columns, items=items,
                            disclosure=ListDisclosure.of(request))

    def action_rows(self, request: Request, items: Iterable[Any], serializer_class: type[serializers.Serializer],
                    *, filename: str) -> Any:
        """The answer of a list-valued action: its JSON, or the same rows and columns as CSV/XLSX."""
        fmt = request.accepted_renderer.format
        if fmt not in FORMATS:
            return Response(serializer_class(items, many=True).data)
        return export_table(fmt, filename=filename, sheet_name=filename,
                            columns=serializer_columns(serializer_class()), items=items,
                            disclosure=ListDisclosure.of(request))
