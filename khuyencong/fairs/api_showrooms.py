"""API v1 endpoints of showrooms (điểm giới thiệu sản phẩm) and their displays: the same selectors,
services and validation as the web pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.accounts.policy import Action, require
from khuyencong.core.api import ServiceViewSet, required_version, validated, write_schemas
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.establishments.api import UnitRefSerializer
from khuyencong.fairs import selectors, services
from khuyencong.fairs.api import (
    MAX_ID,
    FairEstablishmentRefSerializer,
    FairSchemeRefSerializer,
    establishment_ref,
    resolve_scheme,
)
from khuyencong.fairs.models import Showroom
from khuyencong.fairs.policy import entry_role_allows
from khuyencong.geo.selectors import UnitNotFound, unit_by_code


class ShowroomDisplaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    establishment = FairEstablishmentRefSerializer()
    products = serializers.ListField(child=serializers.CharField())
    displayed_from = serializers.DateField()
    displayed_to = serializers.DateField(allow_null=True)


class DisplayInputSerializer(serializers.Serializer):
    """Shape only; the period and the establishment's area are checked by the service."""

    establishment = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Mã (id) cơ sở CNNT")
    products = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=50)
    displayed_from = serializers.DateField()
    displayed_to = serializers.DateField(required=False, allow_null=True)

    def to_service_data(self, user: Any) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("version", None)
        if "establishment" in data:
            data["establishment"] = establishment_ref(user, data["establishment"])
        return data


class DisplayUpdateSerializer(DisplayInputSerializer):
    establishment = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Không đổi được")
    displayed_from = serializers.DateField(required=False)
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


class DisplayOutputSerializer(ShowroomDisplaySerializer):
    version = serializers.IntegerField()


class ShowroomOutputSerializer(serializers.ModelSerializer):
    location_unit = UnitRefSerializer()
    scheme = FairSchemeRefSerializer(allow_null=True)

    class Meta:
        model = Showroom
        fields = ["id", "name", "location_unit", "address", "operator", "opened_on", "closed_on", "scheme",
                  "notes", "version", "created_at", "updated_at"]


class ShowroomDetailSerializer(ShowroomOutputSerializer):
    displays = serializers.SerializerMethodField()

    class Meta(ShowroomOutputSerializer.Meta):
        fields = [*ShowroomOutputSerializer.Meta.fields, "displays"]

    @extend_schema(responses=ShowroomDisplaySerializer(many=True))
    def get_displays(self, obj: Showroom) -> list[dict[str, Any]]:
        rows = selectors.showroom_displays(self.context["request"].user, obj).select_related("establishment__commune")
        return ShowroomDisplaySerializer(rows, many=True).data  # type: ignore[return-value]


class ShowroomInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    location_code = serializers.CharField(max_length=10, help_text="Mã GSO đơn vị hành chính (địa bàn)")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    operator = serializers.CharField(max_length=255)
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(required=False, allow_null=True)
    scheme = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                      help_text="Mã (id) đề án khuyến công")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)

    def to_service_data(self, instance: Showroom | None = None) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("version", None)
        resolve_scheme(data)
        if "location_code" in data:
            day = data.get("opened_on") or (instance.opened_on if instance else timezone.localdate())
            try:
                data["location_unit"] = unit_by_code(data.pop("location_code"), on=day)
            except UnitNotFound as exc:
                raise DRFValidationError({"location_code": [str(exc)]}) from None
        return data


class ShowroomUpdateSerializer(ShowroomInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


@extend_schema_view(
    retrieve=extend_schema(responses=ShowroomDetailSerializer),
    **write_schemas(ShowroomOutputSerializer, create=ShowroomInputSerializer, update=ShowroomUpdateSerializer),
)
class ShowroomViewSet(ExportableListMixin, ServiceViewSet):
    """Showrooms and introduction points for CNNT products, with the displays the caller may see."""

    export_filename = "diem-gioi-thieu"
    serializer_class = ShowroomOutputSerializer
    input_serializer = ShowroomInputSerializer
    update_serializer = ShowroomUpdateSerializer

    def get_queryset(self) -> QuerySet[Showroom]:
        return selectors.showroom_list(self.request.user)

    def get_object(self) -> Showroom:
        return selectors.showroom_get(self.request.user, self.kwargs["pk"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(ShowroomDetailSerializer(self.get_object(), context={"request": request}).data)

    def create_record(self, user: Any, payload: Any) -> Showroom:
        return services.showroom_create(actor=user, data=payload.to_service_data())

    def update_record(self, user: Any, record: Showroom, payload: Any, version: int) -> Showroom:
        return services.showroom_update(actor=user, showroom=record, data=payload.to_service_data(record),
                                        expected_version=version)

    @extend_schema(methods=["get"], responses={200: DisplayOutputSerializer(many=True)})
    @extend_schema(methods=["post"], request=DisplayInputSerializer, responses={201: DisplayOutputSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def displays(self, request: Request, pk: str | None = None) -> Response:
        """Displays at this showroom that the caller may see; POST puts an establishment's products on display."""
        showroom = self.get_object()
        if request.method == "GET":
            rows = selectors.showroom_displays(self.request.user, showroom)
            return Response(DisplayOutputSerializer(rows, many=True).data)
        require(entry_role_allows(self.request.user, Action.CREATE))
        payload = validated(DisplayInputSerializer, request)
        display = services.display_create(actor=self.request.user,
                                          data={**payload.to_service_data(self.request.user), "showroom": showroom})
        return Response(DisplayOutputSerializer(display).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DisplayUpdateSerializer, responses={200: DisplayOutputSerializer},
                   parameters=[OpenApiParameter("display_id", int, location="path")])
    @action(detail=True, methods=["patch"], url_path=r"displays/(?P<display_id>\d+)")
    def update_display(self, request: Request, pk: str | None = None, display_id: str | None = None) -> Response:
        """Change a display's products or period; its showroom and establishment are fixed."""
        showroom = self.get_object()
        if len(display_id or "") > 18:
            raise Http404
        display = selectors.display_get_for_update(self.request.user, display_id)
        if display.showroom_id != showroom.pk:
            raise Http404
        payload = validated(DisplayUpdateSerializer, request, partial=True)
        version = required_version(payload)
        data = payload.to_service_data(self.request.user)
        if "establishment" in data and data["establishment"].pk != display.establishment_id:
            raise DRFValidationError({"establishment": [_("Không thể đổi cơ sở của một đợt trưng bày.")]})
        saved = services.display_update(actor=self.request.user, display=display, data=data,
                                        expected_version=version)
        return Response(DisplayOutputSerializer(saved).data)
