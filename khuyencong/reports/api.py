"""API v1 for issued reports: list, retrieve, issue, sign, upload a signed copy, download the files.

The same policy, services and selectors as the pages. An issued report is never updated or deleted:
those methods answer 405 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from khuyencong.core.requests import AuthenticatedRequest
from khuyencong.reports import issuing
from khuyencong.reports.forms import MAX_SIGNED_PDF
from khuyencong.reports.models import IssuedReport


class DriftLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="label")
    unit = serializers.CharField()
    issued = serializers.IntegerField(allow_null=True)
    today = serializers.IntegerField(allow_null=True)


class IssuedReportOutputSerializer(serializers.ModelSerializer):
    is_signed = serializers.BooleanField(read_only=True)

    class Meta:
        model = IssuedReport
        fields = ["id", "number", "year", "issued_on", "signer_name", "signer_title", "date_from", "date_to",
                  "area_code", "area_name", "boundary_date", "figures", "pdf_sha256", "docx_sha256", "is_signed",
                  "signed_pdf_sha256", "signature_source", "signature_signer", "signature_signed_at",
                  "signature_trusted", "issued_at"]


class IssuedReportDetailSerializer(IssuedReportOutputSerializer):
    drift = serializers.SerializerMethodField(help_text="Chỉ tiêu có số hôm nay khác số đã ban hành; null nếu "
                                                        "không còn vẽ được địa bàn.")

    class Meta(IssuedReportOutputSerializer.Meta):
        fields = [*IssuedReportOutputSerializer.Meta.fields, "drift"]

    @extend_schema(description="drift")
    def get_drift(self, obj: IssuedReport) -> list[dict[str, Any]] | None:
        lines = issuing.drift(obj)
        return None if lines is None else DriftLineSerializer(lines, many=True).data  # type: ignore[return-value]


class IssueInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    issued_on = serializers.DateField()
    signer_name = serializers.CharField(max_length=120)
    signer_title = serializers.CharField(max_length=120)
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    area_code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    boundary_date = serializers.DateField(required=False, allow_null=True, default=None)


class SignedUploadSerializer(serializers.Serializer):
    signed_pdf = serializers.FileField()

    def validate_signed_pdf(self, value: Any) -> Any:
        if value.size > MAX_SIGNED_PDF:
            raise serializers.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        return value


FILES = {"pdf": ("pdf", "application/pdf"),
         "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         "signed-pdf": ("signed_pdf", "application/pdf")}


class IssuedReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    serializer_class = IssuedReportOutputSerializer
    queryset = IssuedReport.objects.none()

    def get_queryset(self) -> Any:
        return issuing.visible_issued_reports(self.request.user)

    def get_object(self) -> IssuedReport:
        pk = self.kwargs["pk"]
        with_documents = self.action in {"download", "sign", "signed_pdf"}
        if not str(pk).isdigit() or int(pk) > 2**63 - 1:
            from django.http import Http404

            raise Http404
        return issuing.issued_report_get(self.request.user, int(pk), with_documents=with_documents)

    @extend_schema(responses=IssuedReportDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(IssuedReportDetailSerializer(self.get_object()).data)

    @extend_schema(request=IssueInputSerializer, responses={201: IssuedReportDetailSerializer})
    def create(self, request: Request) -> Response:
        if not issuing.may_issue(self.request.user):
            raise DRFPermissionDenied(_("Bạn không có quyền ban hành báo cáo."))
        data = IssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = issuing.issued_report_issue(actor=self.request.user, **data.validated_data)
        return Response(IssuedReportDetailSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={405: OpenApiResponse(description="Báo cáo đã ban hành không sửa, "
                                                                             "không xóa được.")})
    def _refuse_change(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        raise MethodNotAllowed(request.method or "", detail=_(
            "Báo cáo số %(number)s đã ban hành nên không thể sửa hoặc xóa.") % {"number": report.number})

    update = partial_update = destroy = _refuse_change

    @extend_schema(request=None, responses={200: IssuedReportDetailSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """Sign the issued PDF with the organisation's certificate (PAdES)."""
        report = issuing.issued_report_sign(actor=self.request.user, report=self.get_object())
        return Response(IssuedReportDetailSerializer(report).data)

    @extend_schema(request={"multipart/form-data": SignedUploadSerializer},
                   responses={200: IssuedReportDetailSerializer})
    @action(detail=True, methods=["post"], url_path="signed-pdf", parser_classes=[MultiPartParser])
    def signed_pdf(self, request: Request, pk: str | None = None) -> Response:
        """Upload the issued PDF signed elsewhere (USB token); kept only if valid and unchanged."""
        upload = SignedUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        report = issuing.issued_report_attach_signed(actor=self.request.user, report=self.get_object(),
                                                     content=upload.validated_data["signed_pdf"].read())
        return Response(IssuedReportDetailSerializer(report).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                              404: OpenApiResponse(description="Không có tệp")})
    @action(detail=True, methods=["get"], url_path=r"files/(?P<kind>pdf|docx|signed-pdf)")
    def download(self, request: Request, pk: str | None = None, kind: str = "pdf") -> HttpResponse:
        """The issued PDF or DOCX, or the signed PDF, byte for byte as stored."""
        report = self.get_object()
        field, content_type = FILES[kind]
        content = getattr(report, field)
        if not content:
            from django.http import Http404

            raise Http404(_("Báo cáo này chưa có bản ký số."))
        response = HttpResponse(bytes(content), content_type=content_type)
        ext = "docx" if kind == "docx" else "pdf"
        response["Content-Disposition"] = f'attachment; filename="bao-cao-{report.pk}-{kind}.{ext}"'
        return response


def register(router: BaseRouter) -> None:
    router.register("issued-reports", IssuedReportViewSet, basename="issued-report")
