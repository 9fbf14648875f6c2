"""API v1, nested under a scheme: activity-specific details and attached documents.

Same selectors (404 outside scope) and services (rights, rules, audit) as the scheme page.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from khuyencong.core.api import validated
from khuyencong.core.requests import AuthenticatedRequest
from khuyencong.establishments.selectors import establishments_for
from khuyencong.schemes import selectors, services
from khuyencong.schemes.models import (
    AttachmentKind,
    CleanerProductionAssessment,
    CommunicationKind,
    CommunicationOutput,
    DemonstrationModel,
    MachineryItem,
    SchemeAttachment,
)

OUT_OF_SCOPE = "Có cơ sở không tồn tại hoặc ngoài phạm vi của bạn."
# Code lists as plain strings (the services refuse unknown codes): two enums both named "kind" would collide.
COMMUNICATION_HELP = "Loại: " + ", ".join(CommunicationKind.values)
ATTACHMENT_HELP = "Loại tài liệu: " + ", ".join(AttachmentKind.values)
ITEM_PK = OpenApiParameter("item_pk", int, OpenApiParameter.PATH)


class DemonstrationOutputSerializer(serializers.ModelSerializer):
    adopter_ids: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        source="adopters", many=True, read_only=True)

    class Meta:
        model = DemonstrationModel
        fields = ["host_establishment", "technology", "workers_employed", "avg_worker_income_vnd", "adopter_ids",
                  "version"]


class DemonstrationInputSerializer(serializers.Serializer):
    host_establishment = serializers.IntegerField(help_text="Mã (id) cơ sở thực hiện mô hình")
    technology = serializers.CharField(max_length=300)
    workers_employed = serializers.IntegerField()
    avg_worker_income_vnd = serializers.IntegerField(required=False, allow_null=True, help_text="Đồng/tháng")
    adopter_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    version = serializers.IntegerField(required=False, min_value=1, help_text="Bắt buộc khi sửa mô hình đã có")


class MachineryItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = MachineryItem
        fields = ["id", "name", "quantity", "unit_price", "supplier", "sector_group"]


class MachineryItemInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField(help_text="Đồng")
    supplier = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    sector_group = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class CommunicationOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=COMMUNICATION_HELP)

    class Meta:
        model = CommunicationOutput
        fields = ["id", "kind", "title", "quantity", "reach"]


class CommunicationInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=15, help_text=COMMUNICATION_HELP)
    title = serializers.CharField(max_length=300)
    quantity = serializers.IntegerField(required=False, default=1)
    reach = serializers.IntegerField(required=False, allow_null=True)


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CleanerProductionAssessment
        fields = ["id", "establishment", "assessed_on", "findings", "annual_savings_vnd", "energy_saving_kwh",
                  "water_saving_m3"]


class AssessmentInputSerializer(serializers.Serializer):
    establishment = serializers.IntegerField()
    assessed_on = serializers.DateField()
    findings = serializers.CharField(required=False, allow_blank=True, default="", max_length=8000)
    annual_savings_vnd = serializers.IntegerField(required=False, default=0)
    energy_saving_kwh = serializers.IntegerField(required=False, allow_null=True)
    water_saving_m3 = serializers.IntegerField(required=False, allow_null=True)


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    kind = serializers.CharField(help_text=ATTACHMENT_HELP)

    class Meta:
        model = SchemeAttachment
        fields = ["id", "kind", "original_name", "size", "uploaded_by", "uploaded_at"]


class AttachmentInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=20, help_text=ATTACHMENT_HELP)
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, JPG, PNG; tối đa 10 MB")


def _establishment(user: Any, pk: int, field: str) -> Any:
    found = establishments_for(user).filter(pk=pk).first()
    if found is None:
        raise DRFValidationError({field: [OUT_OF_SCOPE]})
    return found


_ITEMS: dict[str, tuple[type[serializers.Serializer], type[serializers.ModelSerializer], Any, str]] = {
    "machinery": (MachineryItemInputSerializer, MachineryItemSerializer, services.machinery_item_add,
                  "machinery_items"),
    "communication": (CommunicationInputSerializer, CommunicationOutputSerializer, services.communication_output_add,
                      "communication_outputs"),
    "assessment": (AssessmentInputSerializer, AssessmentSerializer, services.cleaner_production_assessment_add,
                   "cleaner_production_assessments"),
}


class SchemeDetailsMixin(viewsets.GenericViewSet):
    """Actions mixed into the scheme viewset (``get_object`` is its scoped selector)."""

    request: AuthenticatedRequest  # mixed into viewsets behind IsAuthenticated

    @extend_schema(methods=["get"], responses={200: DemonstrationOutputSerializer})
    @extend_schema(methods=["put"], request=DemonstrationInputSerializer,
                   responses={200: DemonstrationOutputSerializer})
    @action(detail=True, methods=["get", "put"])
    def demonstration(self, request: Request, pk: str | None = None) -> Response:
        scheme = self.get_object()
        current = DemonstrationModel.objects.filter(scheme=scheme).first()
        if request.method == "GET":
            if current is None:
                raise Http404
            return Response(DemonstrationOutputSerializer(current).data)
        payload = validated(DemonstrationInputSerializer, request)
        data = dict(payload.validated_data)
        version = data.pop("version", None)
        if current is not None and version is None:
            raise DRFValidationError({"version": ["Trường này là bắt buộc."]})
        data["host_establishment"] = _establishment(self.request.user, data["host_establishment"], "host_establishment")
        ids = data.pop("adopter_ids", None)
        adopters = None
        if ids is not None:
            adopters = list(establishments_for(self.request.user).filter(pk__in=ids))
            if len(adopters) != len(set(ids)):
                raise DRFValidationError({"adopter_ids": [OUT_OF_SCOPE]})
        model = services.demonstration_save(actor=self.request.user, scheme=scheme, data=data, adopters=adopters,
                                            expected_version=version)
        return Response(DemonstrationOutputSerializer(model).data)

    def _items(self, request: Request, kind: str) -> Response:
        scheme = self.get_object()
        inbound, outbound, add, related = _ITEMS[kind]
        if request.method == "GET":
            return Response(outbound(getattr(scheme, related).order_by("pk"), many=True).data)
        payload = validated(inbound, request)
        data = dict(payload.validated_data)
        if "establishment" in data:
            data["establishment"] = _establishment(self.request.user, data["establishment"], "establishment")
        made = add(actor=self.request.user, scheme=scheme, data=data)
        return Response(outbound(made).data, status=status.HTTP_201_CREATED)

    def _remove(self, request: Request, kind: str, item_pk: str) -> Response:
        scheme = self.get_object()
        if not item_pk.isdigit():
            raise Http404
        services.detail_item_remove(actor=self.request.user, scheme=scheme, kind=kind, item_id=int(item_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["get"], responses=MachineryItemSerializer(many=True))
    @extend_schema(methods=["post"], request=MachineryItemInputSerializer, responses={201: MachineryItemSerializer})
    @action(detail=True, methods=["get", "post"], url_path="machinery-items", pagination_class=None)
    def machinery_items(self, request: Request, pk: str | None = None) -> Response:
        return self._items(request, "machinery")

    @extend_schema(responses={204: None}, parameters=[ITEM_PK])
    @action(detail=True, methods=["delete"], url_path=r"machinery-items/(?P<item_pk>[^/.]+)")
    def machinery_item(self, request: Request, pk: str | None = None, item_pk: str = "") -> Response:
        return self._remove(request, "machinery", item_pk)

    @extend_schema(methods=["get"], responses=CommunicationOutputSerializer(many=True))
    @extend_schema(methods=["post"], request=CommunicationInputSerializer,
                   responses={201: CommunicationOutputSerializer})
    @action(detail=True, methods=["get", "post"], url_path="communication-outputs", pagination_class=None)
    def communication_outputs(self, request: Request, pk: str | None = None) -> Response:
        return self._items(request, "communication")

    @extend_schema(responses={204: None}, parameters=[ITEM_PK])
    @action(detail=True, methods=["delete"], url_path=r"communication-outputs/(?P<item_pk>[^/.]+)")
    def communication_output(self, request: Request, pk: str | None = None, item_pk: str = "") -> Response:
        return self._remove(request, "communication", item_pk)

    @extend_schema(methods=["get"], responses=AssessmentSerializer(many=True))
    @extend_schema(methods=["post"], request=AssessmentInputSerializer, responses={201: AssessmentSerializer})
    @action(detail=True, methods=["get", "post"], url_path="cleaner-production-assessments", pagination_class=None)
    def cleaner_production_assessments(self, request: Request, pk: str | None = None) -> Response:
        return self._items(request, "assessment")

    @extend_schema(responses={204: None}, parameters=[ITEM_PK])
    @action(detail=True, methods=["delete"], url_path=r"cleaner-production-assessments/(?P<item_pk>[^/.]+)")
    def cleaner_production_assessment(self, request: Request, pk: str | None = None, item_pk: str = "") -> Response:
        return self._remove(request, "assessment", item_pk)

    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True))
    @extend_schema(methods=["post"], request={"multipart/form-data": AttachmentInputSerializer},
                   responses={201: AttachmentSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser, JSONParser],
            pagination_class=None)
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        """Documents of the scheme; upload as multipart (same type, content and size checks as the page)."""
        scheme = self.get_object()
        if request.method == "GET":
            return Response(AttachmentSerializer(selectors.scheme_attachments(scheme), many=True).data)
        payload = validated(AttachmentInputSerializer, request)
        made = services.attachment_add(actor=self.request.user, scheme=scheme, kind=payload.validated_data["kind"],
                                       upload=payload.validated_data["file"])
        return Response(AttachmentSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, parameters=[
        OpenApiParameter("attachment_pk", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_pk>[^/.]+)")
    def attachment(self, request: Request, pk: str | None = None, attachment_pk: str = "") -> FileResponse:
        """Download one document; 404 unless it belongs to this scheme and the caller may see the scheme."""
        scheme = self.get_object()
        found = selectors.attachment_get(self.request.user, attachment_pk)
        if found.scheme_id != scheme.pk:
            raise Http404
        try:
            handle = found.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=found.original_name)
