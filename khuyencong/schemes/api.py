"""API v1: programmes, plans, schemes (with transitions and disbursements). Same selectors and services as pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from khuyencong.accounts.policy import require
from khuyencong.core.api import ServiceViewSet, choice_param, validated, without_version, write_schemas, year_param
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.core.lifecycle import NOTE_MAX_LENGTH, note_errors
from khuyencong.establishments.selectors import establishments_for
from khuyencong.geo.selectors import UnitNotFound, unit_by_code
from khuyencong.schemes import selectors, services
from khuyencong.schemes.api_details import SchemeDetailsMixin
from khuyencong.schemes.api_norms import SupportNormViewSet
from khuyencong.schemes.models import (
    ActivityType,
    AnnualPlan,
    Disbursement,
    FundingSource,
    Programme,
    ProgrammeLevel,
    Scheme,
    SchemeEvent,
    SchemeStatus,
)
from khuyencong.schemes.policy import may_start_proposal
from khuyencong.schemes.selectors import SchemeFilters


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "name", "level", "start_year", "end_year", "decision_no", "decision_date", "version"]
        read_only_fields = ["id", "version"]


class PlanOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualPlan
        fields = ["id", "programme", "year", "funding_source", "approved_total", "decision_no", "decision_date",
                  "version"]


class PlanInputSerializer(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    year = serializers.IntegerField()
    funding_source = serializers.ChoiceField(choices=FundingSource.choices)
    approved_total = serializers.IntegerField()
    decision_no = serializers.CharField(max_length=60, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)


class BeneficiarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    commune_code = serializers.CharField(source="commune.code")


STATUS_HELP = "Trạng thái: " + ", ".join(SchemeStatus.values)


class EventSerializer(serializers.ModelSerializer):
    """Statuses as plain strings: one enum component (``SchemeStatus``) would otherwise get several names."""

    actor: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    from_status = serializers.CharField(help_text=STATUS_HELP)
    to_status = serializers.CharField(help_text=STATUS_HELP)

    class Meta:
        model = SchemeEvent
        fields = ["at", "actor", "from_status", "to_status", "note", "attachment"]


class SchemeOutputSerializer(serializers.ModelSerializer):
    activity_type = serializers.CharField(source="activity_type.code")
    beneficiaries = BeneficiarySerializer(many=True)
    disbursed = serializers.IntegerField()
    # Optional on a proposal: null until an implementing unit is named.
    implementing_unit_code = serializers.CharField(source="implementing_unit.code", default=None, allow_null=True)
    status = serializers.CharField(help_text=STATUS_HELP)

    class Meta:
        model = Scheme
        fields = [
            "id", "code", "title", "activity_type", "funding_source", "plan", "implementing_unit_name",
            "implementing_unit_code", "beneficiaries", "planned_start", "planned_end", "actual_start", "actual_end",
            "total_cost", "public_support", "counterpart_capital", "disbursed", "settled_amount", "status",
            "appraisal_score", "appraisal_comments", "approval_decision_no", "approval_decision_date", "contract_no",
            "contract_date", "acceptance_date", "acceptance_record_no", "settlement_date", "notes", "version",
        ]


class SchemeDetailSerializer(SchemeOutputSerializer):
    events = EventSerializer(many=True)

    class Meta(SchemeOutputSerializer.Meta):
        fields = [*SchemeOutputSerializer.Meta.fields, "events"]


class SchemeInputSerializer(serializers.Serializer):
    """Shape and types only; amounts are checked (non-negative integers, norms) by the services."""

    code = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=300)
    activity_type = serializers.SlugField(help_text="Mã loại hoạt động, ví dụ machinery")
    funding_source = serializers.ChoiceField(choices=FundingSource.choices)
    implementing_unit_name = serializers.CharField(max_length=255)
    implementing_unit_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    beneficiary_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_end = serializers.DateField(required=False, allow_null=True)
    actual_start = serializers.DateField(required=False, allow_null=True)
    actual_end = serializers.DateField(required=False, allow_null=True)
    total_cost = serializers.IntegerField(required=False)
    public_support = serializers.IntegerField(required=False)
    counterpart_capital = serializers.IntegerField(required=False)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text="Bắt buộc khi cập nhật")

    def to_service(self, user: Any) -> tuple[dict[str, Any], list[Any] | None]:
        data = dict(self.validated_data)
        data.pop("version", None)
        ids = data.pop("beneficiary_ids", None)
        if "activity_type" in data:
            kind = ActivityType.objects.filter(code=data["activity_type"]).order_by("-valid_from").first()
            if kind is None:
                raise DRFValidationError({"activity_type": ["Không có loại hoạt động này."]})
            data["activity_type"] = kind
        code = data.pop("implementing_unit_code", None)
        if code:
            try:
                data["implementing_unit"] = unit_by_code(code, on=timezone.localdate(), level="commune")
            except UnitNotFound as exc:
                raise DRFValidationError({"implementing_unit_code": [str(exc)]}) from None
        people = None
        if ids is not None:
            people = list(establishments_for(user).filter(pk__in=ids))
            if len(people) != len(set(ids)):
                raise DRFValidationError({"beneficiary_ids": ["Có cơ sở không tồn tại hoặc ngoài phạm vi của bạn."]})
        return data, people


class TransitionInputSerializer(serializers.Serializer):
    # A plain string: the service refuses unknown or disallowed targets with a Vietnamese message.
    target = serializers.CharField(max_length=15, help_text=STATUS_HELP)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="",
                                 error_messages=note_errors(gettext_lazy("Ghi chú")))
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")
    plan = serializers.PrimaryKeyRelatedField(queryset=AnnualPlan.objects.all(), required=False)
    appraisal_score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    appraisal_comments = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    approval_decision_no = serializers.CharField(max_length=60, required=False)
    approval_decision_date = serializers.DateField(required=False)
    contract_no = serializers.CharField(max_length=60, required=False)
    contract_date = serializers.DateField(required=False)
    actual_start = serializers.DateField(required=False)
    acceptance_date = serializers.DateField(required=False)
    acceptance_record_no = serializers.CharField(max_length=60, required=False)
    actual_end = serializers.DateField(required=False)
    settled_amount = serializers.IntegerField(required=False)
    settlement_date = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, help_text="Lý do (khi điều chỉnh)",
                                   error_messages=note_errors(gettext_lazy("Lý do điều chỉnh")))
    total_cost = serializers.IntegerField(required=False, help_text="Khi điều chỉnh")
    public_support = serializers.IntegerField(required=False, help_text="Khi điều chỉnh")
    counterpart_capital = serializers.IntegerField(required=False, help_text="Khi điều chỉnh")

    def fields_for_service(self) -> dict[str, Any]:
        skip = {"target", "note", "version", "reason"}
        return {k: v for k, v in self.validated_data.items() if k not in skip}


class DisbursementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disbursement
        fields = ["id", "date", "amount", "note"]


class DisbursementInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    amount = serializers.IntegerField()
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ProgrammeUpdateSerializer(serializers.Serializer):
    """Shape only; uniqueness of the phase and year order are checked by the service (full_clean)."""

    name = serializers.CharField(max_length=255)
    level = serializers.CharField(max_length=10, help_text="Cấp: " + ", ".join(ProgrammeLevel.values))
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()
    decision_no = serializers.CharField(max_length=60, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


@extend_schema_view(update=extend_schema(request=ProgrammeUpdateSerializer),
                    partial_update=extend_schema(request=ProgrammeUpdateSerializer))
class ProgrammeViewSet(ExportableListMixin, ServiceViewSet):
    """Programmes (national or local, by phase)."""

    export_filename = "chuong-trinh"
    serializer_class = ProgrammeSerializer
    input_serializer = ProgrammeSerializer
    update_serializer = ProgrammeUpdateSerializer

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programmes_for(self.request.user)

    def get_object(self) -> Programme:
        return selectors.programme_get(self.request.user, self.kwargs["pk"])

    def create_record(self, user: Any, payload: Any) -> Programme:
        return services.programme_create(actor=user, data=payload.validated_data)

    def update_record(self, user: Any, record: Programme, payload: Any, version: int) -> Programme:
        return services.programme_update(actor=user, programme=record, data=without_version(payload),
                                         expected_version=version)


class PlanUpdateSerializer(PlanInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


@extend_schema_view(**write_schemas(PlanOutputSerializer, create=PlanInputSerializer, update=PlanUpdateSerializer))
class PlanViewSet(ExportableListMixin, ServiceViewSet):
    """Annual plans with their approved totals."""

    export_filename = "ke-hoach-nam"
    serializer_class = PlanOutputSerializer
    input_serializer = PlanInputSerializer
    update_serializer = PlanUpdateSerializer

    def get_queryset(self) -> QuerySet[AnnualPlan]:
        return selectors.plans_for(self.request.user).order_by("-year", "funding_source")

    def get_object(self) -> AnnualPlan:
        return selectors.plan_get(self.request.user, self.kwargs["pk"])

    def create_record(self, user: Any, payload: Any) -> AnnualPlan:
        return services.plan_create(actor=user, data=payload.validated_data)

    def update_record(self, user: Any, record: AnnualPlan, payload: Any, version: int) -> AnnualPlan:
        return services.plan_update(actor=user, plan=record, data=without_version(payload), expected_version=version)


_FILTERS = [
    OpenApiParameter("year", int), OpenApiParameter("activity_type", str),
    OpenApiParameter("funding_source", str, enum=FundingSource.values),
    OpenApiParameter("status", str, description=STATUS_HELP),
    OpenApiParameter("unit", str, description="Mã đơn vị hành chính"), OpenApiParameter("q", str),
]


@extend_schema_view(
    list=extend_schema(parameters=_FILTERS),
    retrieve=extend_schema(responses=SchemeDetailSerializer),
    **write_schemas(SchemeOutputSerializer, create=SchemeInputSerializer, update=SchemeInputSerializer),
)
class SchemeViewSet(ExportableListMixin, SchemeDetailsMixin, ServiceViewSet):
    """Extension schemes visible to the caller (area scope of their beneficiaries or implementing unit)."""

    export_filename = "de-an"
    serializer_class = SchemeOutputSerializer
    input_serializer = update_serializer = SchemeInputSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return SchemeDetailSerializer if self.action == "retrieve" else SchemeOutputSerializer

    def get_queryset(self) -> QuerySet[Scheme]:
        params = self.request.query_params
        filters = SchemeFilters(year=year_param(params), activity_type=params.get("activity_type", ""),
                                funding_source=choice_param(params, "funding_source", FundingSource.values),
                                status=choice_param(params, "status", SchemeStatus.values),
                                unit=params.get("unit", ""), q=params.get("q", ""))
        items = selectors.scheme_list(self.request.user, filters)
        if filters.errors:
            raise DRFValidationError(filters.errors)
        return items.prefetch_related("events__actor") if self.action == "retrieve" else items

    def get_object(self) -> Scheme:
        return selectors.scheme_get(self.request.user, self.kwargs["pk"])

    def _fresh(self, scheme: Scheme) -> Scheme:
        return selectors.scheme_get(self.request.user, scheme.pk)

    def written(self, record: Scheme) -> Any:
        return SchemeOutputSerializer(self._fresh(record)).data

    def before_create(self, user: Any) -> None:
        require(may_start_proposal(user))

    def create_record(self, user: Any, payload: Any) -> Scheme:
        data, people = payload.to_service(user)
        return services.scheme_create(actor=user, data=data, beneficiaries=people or [])

    def update_record(self, user: Any, record: Scheme, payload: Any, version: int) -> Scheme:
        data, people = payload.to_service(user)
        return services.scheme_update(actor=user, scheme=record, data=data, beneficiaries=people,
                                      expected_version=version)

    @extend_schema(request=TransitionInputSerializer, responses=SchemeOutputSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the scheme to ``target`` (``amended`` applies an amendment to a settled scheme)."""
        scheme = self.get_object()
        payload = validated(TransitionInputSerializer, request)
        data = payload.validated_data
        if data["target"] == SchemeStatus.AMENDED:
            services.scheme_amend(actor=self.request.user, scheme=scheme, changes=payload.fields_for_service(),
                                  reason=data.get("reason", ""), expected_version=data["version"])
        else:
            services.scheme_transition(actor=self.request.user, scheme=scheme, target=data["target"],
                                       fields=payload.fields_for_service(), note=data["note"],
                                       expected_version=data["version"])
        return Response(SchemeOutputSerializer(self._fresh(scheme)).data)

    @extend_schema(methods=["get"], responses=DisbursementSerializer(many=True))
    @extend_schema(methods=["post"], request=DisbursementInputSerializer, responses={201: DisbursementSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def disbursements(self, request: Request, pk: str | None = None) -> Response:
        scheme = self.get_object()
        if request.method == "GET":
            return Response(DisbursementSerializer(selectors.scheme_disbursements(scheme), many=True).data)
        payload = validated(DisbursementInputSerializer, request)
        made = services.disbursement_create(actor=self.request.user, scheme=scheme, **payload.validated_data)
        return Response(DisbursementSerializer(made).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the API v1 router."""
    router.register("programmes", ProgrammeViewSet, basename="programme")
    router.register("plans", PlanViewSet, basename="plan")
    router.register("schemes", SchemeViewSet, basename="scheme")
    router.register("supportnorms", SupportNormViewSet, basename="supportnorm")

