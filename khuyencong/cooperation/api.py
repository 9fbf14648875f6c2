"""API v1 endpoints of the cooperation app: partners, agreements, activities and their participants."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from khuyencong.accounts.policy import require
from khuyencong.cooperation import policy, selectors, services
from khuyencong.cooperation.models import Activity, ActivityKind, Agreement, Partner
from khuyencong.core.api import (
    ServiceCreateMixin,
    ServiceViewSet,
    choice_param,
    validated,
    without_version,
    write_schemas,
)
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.core.requests import AuthenticatedRequest
from khuyencong.geo.selectors import UnitNotFound, unit_by_code
from khuyencong.training.api import choice_field
from khuyencong.training.selectors import person_get


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name", "country", "city", "notes", "version"]
        read_only_fields = ["id", "version"]


class PartnerInputSerializer(serializers.Serializer):
    """Shape only; uniqueness is checked by the service (Vietnamese message)."""

    name = serializers.CharField(max_length=255)
    country = serializers.CharField(max_length=100)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class PartnerUpdateSerializer(PartnerInputSerializer):
    name = serializers.CharField(max_length=255, required=False)
    country = serializers.CharField(max_length=100, required=False)
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


class AgreementOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["id", "partner", "title", "signed_on", "valid_from", "valid_to", "notes", "version"]


class AgreementInputSerializer(serializers.Serializer):
    partner_id = serializers.IntegerField()
    title = serializers.CharField(max_length=255)
    signed_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class AgreementUpdateSerializer(serializers.Serializer):
    """The partner of an agreement is fixed; the service refuses a change with a Vietnamese message."""

    partner_id = serializers.IntegerField(required=False)
    title = serializers.CharField(max_length=255, required=False)
    signed_on = serializers.DateField(required=False)
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


class ActivityOutputSerializer(serializers.ModelSerializer):
    organising_unit = serializers.CharField(source="organising_unit.code")
    participant_count = serializers.IntegerField(read_only=True)
    kind = choice_field(ActivityKind.choices, read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "partner", "agreement", "kind", "title", "organising_unit", "venue_unit", "abroad_country",
                  "abroad_city", "start_date", "end_date", "notes", "participant_count", "version"]


class ActivityInputSerializer(serializers.Serializer):
    partner_id = serializers.IntegerField()
    agreement_id = serializers.IntegerField(required=False, allow_null=True)
    kind = choice_field(ActivityKind.choices)
    title = serializers.CharField(max_length=255)
    organising_unit_code = serializers.CharField(max_length=10)
    venue_unit_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    abroad_country = serializers.CharField(max_length=100, required=False, allow_blank=True)
    abroad_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    def to_service_data(self, user: Any) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["partner"] = selectors.partner_get(user, data.pop("partner_id"))
        agreement_id = data.pop("agreement_id", None)
        if agreement_id:
            data["agreement"] = selectors.agreement_get(user, agreement_id)
        for key, target in (("organising_unit_code", "organising_unit"), ("venue_unit_code", "venue_unit")):
            code = data.pop(key, None)
            if code:
                try:
                    data[target] = unit_by_code(code, on=data["start_date"])
                except UnitNotFound as exc:
                    raise ValidationError({key: [str(exc)]}) from None
        return data


class ParticipantInputSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()


class ParticipantOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    person_name = serializers.CharField(source="person.full_name")


@extend_schema_view(**write_schemas(PartnerSerializer, create=PartnerInputSerializer, update=PartnerUpdateSerializer))
class PartnerViewSet(ExportableListMixin, ServiceViewSet):
    export_filename = "doi-tac"
    serializer_class = PartnerSerializer
    input_serializer = PartnerInputSerializer
    update_serializer = PartnerUpdateSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Partner]:
        return selectors.partners_for(self.request.user)

    def get_object(self) -> Partner:
        return selectors.partner_get(self.request.user, self.kwargs["pk"])

    def before_update(self, user: Any, record: Partner) -> None:
        require(policy.may_edit_partner(user))

    def create_record(self, user: Any, payload: Any) -> Partner:
        return services.partner_create(actor=user, data=payload.validated_data)

    def update_record(self, user: Any, record: Partner, payload: Any, version: int) -> Partner:
        return services.partner_update(actor=user, partner=record, data=without_version(payload),
                                       expected_version=version)


@extend_schema_view(
    **write_schemas(AgreementOutputSerializer, create=AgreementInputSerializer, update=AgreementUpdateSerializer),
)
class AgreementViewSet(ExportableListMixin, ServiceViewSet):
    export_filename = "thoa-thuan"
    serializer_class = AgreementOutputSerializer
    input_serializer = AgreementInputSerializer
    update_serializer = AgreementUpdateSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Agreement]:
        return selectors.agreements_for(self.request.user)

    def get_object(self) -> Agreement:
        return selectors.agreement_get(self.request.user, self.kwargs["pk"])

    def before_create(self, user: Any) -> None:
        require(policy.may_edit_partner(user))

    def before_update(self, user: Any, record: Agreement) -> None:
        require(policy.may_edit_partner(user))

    def create_record(self, user: Any, payload: Any) -> Agreement:
        data = dict(payload.validated_data)
        partner = selectors.partner_get(user, data.pop("partner_id"))
        return services.agreement_create(actor=user, partner=partner, data=data)

    def update_record(self, user: Any, record: Agreement, payload: Any, version: int) -> Agreement:
        data = without_version(payload)
        if "partner_id" in data:
            data["partner"] = data.pop("partner_id")
        return services.agreement_update(actor=user, agreement=record, data=data, expected_version=version)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("kind", str, enum=ActivityKind.values),
                                   OpenApiParameter("partner", int)]),
    create=extend_schema(request=ActivityInputSerializer, responses={201: ActivityOutputSerializer}),
)
class ActivityViewSet(ExportableListMixin, ServiceCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Cooperation activities visible to the caller (scoped by organising unit)."""

    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    export_filename = "hoat-dong-hop-tac"
    serializer_class = ActivityOutputSerializer
    input_serializer = ActivityInputSerializer

    def get_queryset(self) -> QuerySet[Activity]:
        params = self.request.query_params
        kind = choice_param(params, "kind", ActivityKind.values)
        return selectors.activity_list(self.request.user, kind=kind,
                                       partner=params.get("partner", ""))

    def get_object(self) -> Activity:
        return selectors.activity_get(self.request.user, self.kwargs["pk"])

    def written(self, record: Activity) -> Any:
        return ActivityOutputSerializer(selectors.activity_get(self.request.user, record.pk)).data  # with its count

    def before_create(self, user: Any) -> None:
        require(policy.may_edit(user))  # before resolving references, so no 404 hides a 403

    def create_record(self, user: Any, payload: Any) -> Activity:
        return services.activity_create(actor=user, data=payload.to_service_data(user))

    @extend_schema(methods=["get"], responses={200: ParticipantOutputSerializer(many=True)})
    @extend_schema(methods=["post"], request=ParticipantInputSerializer, responses={201: ParticipantOutputSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def participants(self, request: Request, pk: str | None = None) -> Response:
        activity = self.get_object()
        if request.method == "GET":
            rows = selectors.activity_participants(activity)
            return Response(ParticipantOutputSerializer(rows, many=True).data)
        payload = validated(ParticipantInputSerializer, request)
        person = person_get(self.request.user, payload.validated_data["person_id"])
        added = services.participant_add(actor=self.request.user, activity=activity, person=person)
        return Response(ParticipantOutputSerializer(added).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None}, parameters=[OpenApiParameter("participant_id", int, location="path")])
    @action(detail=True, methods=["delete"], url_path=r"participants/(?P<participant_id>\d+)")
    def remove_participant(self, request: Request, pk: str | None = None,
                           participant_id: str | None = None) -> Response:
        """Take an official off the activity (the editors of the activity's organising area only)."""
        participant = selectors.participant_get(self.get_object(), participant_id)
        services.participant_remove(actor=self.request.user, participant=participant)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the API v1 router."""
    router.register("partners", PartnerViewSet, basename="partner")
    router.register("agreements", AgreementViewSet, basename="agreement")
    router.register("activities", ActivityViewSet, basename="activity")
