"""API v1: support norms (định mức hỗ trợ). Everyone who reads schemes reads them; the province admin edits."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.core.api import ServiceCreateMixin, choice_param, required_version, validated, without_version
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.core.requests import AuthenticatedRequest
from khuyencong.schemes import selectors, services
from khuyencong.schemes.models import FundingSource, SupportNorm


class NormOutputSerializer(serializers.ModelSerializer):
    activity_label = serializers.CharField(read_only=True, allow_null=True)
    # A plain string: "any" plus the establishment legal forms would collide with their enum component.
    legal_form = serializers.CharField(help_text="any (mọi loại hình) hoặc loại hình cơ sở")

    class Meta:
        model = SupportNorm
        fields = ["id", "activity_type_code", "activity_label", "funding_source", "legal_form", "max_percent",
                  "cap_vnd", "cap_per_establishment", "legal_basis", "valid_from", "valid_to", "note", "version"]


class NormInputSerializer(serializers.Serializer):
    """Shape and types only; ranges (0–100 %, cap ≥ 0, dates ordered, no overlap) are the service's rules."""

    activity_type_code = serializers.SlugField(max_length=40)
    funding_source = serializers.ChoiceField(choices=FundingSource.choices)
    legal_form = serializers.CharField(max_length=20, required=False, help_text="Mặc định: any (mọi loại hình)")
    max_percent = serializers.DecimalField(max_digits=7, decimal_places=2)
    cap_vnd = serializers.IntegerField(required=False, allow_null=True, help_text="Đồng; để trống nếu không giới hạn")
    cap_per_establishment = serializers.BooleanField(required=False)
    legal_basis = serializers.CharField(max_length=300)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class NormUpdateSerializer(serializers.Serializer):
    """With ``effective_from``: a new version from that date (the current one closes the day before).
    Without it: a correction of this version in place (refused once an approved scheme relied on it)."""

    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")
    effective_from = serializers.DateField(required=False, help_text="Ngày hiệu lực của phiên bản mới")
    max_percent = serializers.DecimalField(max_digits=7, decimal_places=2, required=False)
    cap_vnd = serializers.IntegerField(required=False, allow_null=True)
    cap_per_establishment = serializers.BooleanField(required=False)
    legal_basis = serializers.CharField(max_length=300, required=False)
    valid_from = serializers.DateField(required=False, help_text="Chỉ khi đính chính phiên bản hiện tại")
    valid_to = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("activity_type", str),
                                   OpenApiParameter("funding_source", str, enum=FundingSource.values),
                                   OpenApiParameter("valid_on", str, description="Ngày (YYYY-MM-DD)")]),
    create=extend_schema(request=NormInputSerializer, responses={201: NormOutputSerializer}),
    update=extend_schema(request=NormUpdateSerializer, responses={200: NormOutputSerializer,
                                                                  201: NormOutputSerializer}),
    partial_update=extend_schema(request=NormUpdateSerializer, responses={200: NormOutputSerializer,
                                                                          201: NormOutputSerializer}),
)
class SupportNormViewSet(ExportableListMixin, ServiceCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Support norms per activity type, funding source and beneficiary type, with validity and legal basis."""

    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    export_filename = "dinh-muc-ho-tro"
    serializer_class = NormOutputSerializer
    input_serializer = NormInputSerializer

    def get_queryset(self) -> QuerySet[SupportNorm]:
        params = self.request.query_params
        day = None
        if params.get("valid_on"):
            try:
                day = serializers.DateField().run_validation(params["valid_on"])
            except DRFValidationError:
                raise DRFValidationError({"valid_on": ["Ngày phải có dạng YYYY-MM-DD."]}) from None
        return selectors.norms_for(self.request.user, activity_code=params.get("activity_type", ""),
                                   funding_source=choice_param(params, "funding_source", FundingSource.values),
                                   valid_on=day)

    def get_object(self) -> SupportNorm:
        return selectors.norm_get(self.request.user, self.kwargs["pk"])

    def written(self, record: SupportNorm) -> Any:
        return NormOutputSerializer(self.get_queryset().get(pk=record.pk)).data

    def create_record(self, user: Any, payload: Any) -> SupportNorm:
        return services.support_norm_create(actor=user, data=payload.validated_data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Not the shared update: with ``effective_from`` the norm is closed and its successor answered (201).
        norm = self.get_object()
        payload = validated(NormUpdateSerializer, request, partial=kwargs.get("partial", False))
        version = required_version(payload)
        data = without_version(payload)
        effective_from = data.pop("effective_from", None)
        if effective_from is None:
            norm = services.support_norm_update(actor=self.request.user, norm=norm, data=data,
                                                expected_version=version)
            return Response(self.written(norm))
        if "valid_from" in data:
            raise DRFValidationError({"valid_from": ["Khi tạo phiên bản mới, hãy dùng effective_from."]})
        successor = services.support_norm_revise(actor=self.request.user, norm=norm, data=data,
                                                 effective_from=effective_from, expected_version=version)
        return Response(self.written(successor), status=status.HTTP_201_CREATED)
