"""``GET /api/v1/indicators``: the same figures as the CLI and the report, scoped like the records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from khuyencong.core.requests import AuthenticatedRequest
from khuyencong.indicators.access import require_report_access
from khuyencong.indicators.breakdowns import compute_breakdown, parse_dimensions, with_breakdown
from khuyencong.indicators.catalogue import CATALOGUE
from khuyencong.indicators.engine import ReportRequestError, compute, resolve_area
from khuyencong.indicators.periods import Period

FiguresSerializer = inline_serializer("IndicatorFigures", {
    "from": serializers.DateField(), "to": serializers.DateField(),
    "area": serializers.DictField(allow_null=True), "boundary_date": serializers.DateField(),
    "indicators": serializers.DictField(child=serializers.IntegerField(allow_null=True)),
    "breakdown_dimensions": serializers.ListField(child=serializers.CharField(), required=False),
    "breakdown": serializers.DictField(child=serializers.DictField(child=serializers.IntegerField(allow_null=True)),
                                       required=False),
    "breakdown_parts": serializers.DictField(child=serializers.ChoiceField(["add_up", "overlap", "extremes"]),
                                             required=False),
    "breakdown_not_applicable": serializers.ListField(child=serializers.CharField(), required=False),
    "breakdown_labels": serializers.DictField(child=serializers.CharField(), required=False),
})


def _date(params: Any, name: str, *, required: bool) -> dt.date | None:
    raw = params.get(name)
    if not raw:
        if required:
            raise ValidationError({name: ["Trường này là bắt buộc (YYYY-MM-DD)."]})
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: ["Ngày không hợp lệ, dùng dạng YYYY-MM-DD."]}) from None


class IndicatorsView(APIView):
    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("area", OpenApiTypes.STR, description="Mã đơn vị hành chính"),
            OpenApiParameter("boundary_date", OpenApiTypes.DATE),
            OpenApiParameter("codes", OpenApiTypes.STR, description="Các mã chỉ tiêu, phân cách bằng dấu phẩy"),
            OpenApiParameter("breakdown", OpenApiTypes.STR, description=(
                "Phân tổ: year, unit, activity, funding, sector, product_group, level, gender "
                "(nhiều cách: phân cách bằng dấu phẩy, khóa nối bằng '|')")),
        ],
        responses={200: FiguresSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        date_from, date_to = _date(params, "from", required=True), _date(params, "to", required=True)
        assert date_from is not None and date_to is not None
        try:
            period = Period(date_from, date_to)
        except ValueError as exc:
            raise ValidationError({"to": [str(exc)]}) from None
        codes = [c.strip() for c in params.get("codes", "").split(",") if c.strip()] or None
        try:
            area = resolve_area(params.get("area"), _date(params, "boundary_date", required=False))
            require_report_access(self.request.user, area)
            dimensions = parse_dimensions(params["breakdown"]) if params.get("breakdown") else None
            figures = compute(period, area, codes)
            if dimensions:
                return Response(with_breakdown(figures, compute_breakdown(period, area, dimensions, codes)))
        except ReportRequestError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        return Response(figures.as_json())


class CatalogueView(APIView):
    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    @extend_schema(responses={200: inline_serializer("IndicatorDefinition", {
        "code": serializers.CharField(), "label_vi": serializers.CharField(), "label_en": serializers.CharField(),
        "unit": serializers.CharField(), "counting": serializers.CharField(), "definition": serializers.CharField(),
    }, many=True)})
    def get(self, request: Request) -> Response:
        return Response([
            {"code": i.code, "label_vi": i.label_vi, "label_en": i.label_en, "unit": i.unit,
             "counting": str(i.counting), "definition": i.definition} for i in CATALOGUE
        ])
