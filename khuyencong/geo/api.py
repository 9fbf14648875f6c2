"""Read-only API over administrative units, for pickers and for other tools."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from khuyencong.core.api import choice_param
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.core.requests import AuthenticatedRequest
from khuyencong.core.text import fold
from khuyencong.geo.models import AdministrativeUnit, UnitLevel, valid_on


class AdministrativeUnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "level", "unit_type", "name", "parent_code", "valid_from", "valid_to"]


@extend_schema(parameters=[
    OpenApiParameter("on", OpenApiTypes.DATE, description="Ngày hiệu lực (mặc định: hôm nay)"),
    OpenApiParameter("level", OpenApiTypes.STR, enum=UnitLevel.values),
    OpenApiParameter("q", OpenApiTypes.STR, description="Tìm theo tên, không phân biệt dấu"),
    OpenApiParameter("parent", OpenApiTypes.STR, description="Mã đơn vị cấp trên"),
])
class AdministrativeUnitViewSet(ExportableListMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative units in force on a date (public reference data; login still required).

    ``?format=csv|xlsx`` exports the filtered list, e.g. the communes in force on a date for a mail merge.
    """
    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    serializer_class = AdministrativeUnitSerializer
    export_filename = "don-vi-hanh-chinh"

    def _day(self) -> dt.date:
        raw = self.request.query_params.get("on")
        if not raw:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError({"on": ["Ngày không hợp lệ, dùng dạng YYYY-MM-DD."]}) from None

    def get_queryset(self) -> QuerySet[AdministrativeUnit]:
        units = AdministrativeUnit.objects.select_related("parent").order_by("level", "code")
        if self.action != "list":
            return units
        units = units.filter(valid_on(self._day()))
        params = self.request.query_params
        if level := choice_param(params, "level", UnitLevel.values):
            units = units.filter(level=level)
        if params.get("q"):
            units = units.filter(search_name__contains=fold(params["q"]))
        if params.get("parent"):
            units = units.filter(parent__code=params["parent"])
        return units
