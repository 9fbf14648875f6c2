"""API v1 for the registry: the same selectors, services and validation as the web pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from khuyencong.accounts.policy import sees_personal_data
from khuyencong.core.api import ServiceDeleteMixin, ServiceViewSet, choice_param, write_schemas
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.establishments import selectors, services
from khuyencong.establishments.masking import mask_phone
from khuyencong.establishments.models import Establishment, LegalForm, SectorGroup, Status
from khuyencong.establishments.selectors import EstablishmentFilters
from khuyencong.geo.selectors import UnitNotFound, unit_by_code


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class EstablishmentOutputSerializer(serializers.ModelSerializer):
    commune = UnitRefSerializer()
    representative_phone = serializers.SerializerMethodField()

    class Meta:
        model = Establishment
        fields = [
            "id", "name", "legal_form", "tax_code", "business_registration_no", "representative_name",
            "representative_phone", "address", "commune", "vsic_code", "sector_group", "employees",
            "craft_village", "women_owned", "ethnic_minority_owned", "status", "registered_on", "notes",
            "version", "created_at", "updated_at",
        ]

    def get_representative_phone(self, obj: Establishment) -> str:
        user = self.context["request"].user
        return obj.representative_phone if sees_personal_data(user, obj) else mask_phone(obj.representative_phone)


class EstablishmentInputSerializer(serializers.Serializer):
    """Shape and types only; business rules (tax code, commune validity, scope) live in the service."""

    name = serializers.CharField(max_length=255)
    legal_form = serializers.ChoiceField(choices=LegalForm.choices)
    tax_code = serializers.CharField(max_length=14, required=False, allow_blank=True, allow_null=True)
    business_registration_no = serializers.CharField(max_length=30, required=False, allow_blank=True)
    representative_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    representative_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    commune_code = serializers.CharField(max_length=10, help_text="Mã xã/phường (GSO)")
    registered_on = serializers.DateField(required=False, help_text="Ngày đăng ký; mặc định hôm nay")
    vsic_code = serializers.CharField(max_length=5)
    sector_group = serializers.ChoiceField(choices=SectorGroup.choices)
    employees = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    craft_village = serializers.CharField(max_length=150, required=False, allow_blank=True)
    women_owned = serializers.BooleanField(required=False)
    ethnic_minority_owned = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text="Bắt buộc khi cập nhật")
    confirm_similar = serializers.BooleanField(required=False, default=False)

    def to_service_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("version", None)
        data.pop("confirm_similar", None)
        code = data.pop("commune_code", None)
        if code is not None:
            day = data.get("registered_on") or timezone.localdate()
            try:
                data["commune"] = unit_by_code(code, on=day, level="commune")
            except UnitNotFound as exc:
                raise serializers.ValidationError({"commune_code": [str(exc)]}) from None
        return data


class UpdateInputSerializer(EstablishmentInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


_FILTER_PARAMS = [
    OpenApiParameter("q", str, description="Tìm theo tên (không phân biệt dấu) hoặc mã số thuế"),
    OpenApiParameter("unit", str, description="Mã đơn vị hành chính (tỉnh, huyện cũ hoặc xã)"),
    OpenApiParameter("sector_group", str, enum=SectorGroup.values),
    OpenApiParameter("legal_form", str, enum=LegalForm.values),
    OpenApiParameter("status", str, enum=Status.values),
]


@extend_schema_view(
    list=extend_schema(parameters=_FILTER_PARAMS),
    **write_schemas(EstablishmentOutputSerializer, create=EstablishmentInputSerializer, update=UpdateInputSerializer),
)
class EstablishmentViewSet(
    ExportableListMixin, ServiceDeleteMixin, ServiceViewSet, mixins.DestroyModelMixin,
):
    """Rural industrial establishments visible to the caller (scoped by role and area)."""

    export_filename = "co-so-cnnt"
    serializer_class = EstablishmentOutputSerializer
    input_serializer = EstablishmentInputSerializer
    update_serializer = UpdateInputSerializer

    def get_queryset(self) -> QuerySet[Establishment]:
        params = self.request.query_params
        filters = EstablishmentFilters(
            q=params.get("q", ""), unit=params.get("unit", ""),
            sector_group=choice_param(params, "sector_group", SectorGroup.values),
            legal_form=choice_param(params, "legal_form", LegalForm.values),
            status=choice_param(params, "status", Status.values),
        )
        items = selectors.establishment_list(self.request.user, filters)
        if filters.errors:
            from rest_framework.exceptions import ValidationError

            raise ValidationError(filters.errors)
        return items

    def get_object(self) -> Establishment:
        return selectors.establishment_get(self.request.user, self.kwargs["pk"])

    def create_record(self, user: Any, payload: Any) -> Establishment:
        return services.establishment_create(actor=user, data=payload.to_service_data(),
                                             allow_similar=payload.validated_data["confirm_similar"])

    def update_record(self, user: Any, record: Establishment, payload: Any, version: int) -> Establishment:
        return services.establishment_update(actor=user, establishment=record, data=payload.to_service_data(),
                                             expected_version=version,
                                             allow_similar=payload.validated_data.get("confirm_similar", False))

    def delete_record(self, user: Any, record: Establishment) -> None:
        services.establishment_delete(actor=user, establishment=record)
