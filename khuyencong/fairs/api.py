"""API v1 endpoints of the fairs app: the same selectors, services and validation as the web pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from khuyencong.accounts.policy import Action, require
from khuyencong.core.api import ServiceViewSet, choice_param, write_schemas, year_param
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.establishments.api import UnitRefSerializer
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishments_for
from khuyencong.fairs import selectors, services
from khuyencong.fairs.models import Fair, FairParticipation, FairScope, ParticipationKind
from khuyencong.fairs.policy import entry_role_allows
from khuyencong.fairs.selectors import PAST, UPCOMING, FairFilters
from khuyencong.geo.selectors import UnitNotFound, unit_by_code
from khuyencong.products.selectors import products_for
from khuyencong.schemes.models import Scheme

MAX_ID = 2**63 - 1  # larger ids cannot exist and would overflow the database driver


class FairSchemeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class FairProductRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def resolve_scheme(data: dict[str, Any]) -> None:
    """Replace a scheme id by the scheme, unscoped: the service answers 400 for one the caller may not see,
    with the same message as for an unknown id, so nothing is revealed about schemes outside the area."""
    if "scheme" not in data or data["scheme"] is None:
        return
    found = Scheme.objects.filter(pk=data["scheme"]).first()
    if found is None:
        raise DRFValidationError({"scheme": [_("Không tìm thấy đề án khuyến công này hoặc bạn không có quyền xem "
                                               "đề án.")]})
    data["scheme"] = found


class FairOutputSerializer(serializers.ModelSerializer):
    venue_unit = UnitRefSerializer(allow_null=True)
    scheme = FairSchemeRefSerializer(allow_null=True)
    participant_count = serializers.SerializerMethodField()

    class Meta:
        model = Fair
        fields = ["id", "name", "organiser", "scope", "venue_unit", "venue_country", "venue_city", "venue_detail",
                  "start_date", "end_date", "scheme", "support_policy", "booth_support_vnd", "cancelled",
                  "notes", "participant_count", "version", "created_at", "updated_at"]

    def get_participant_count(self, obj: Fair) -> int | None:
        return getattr(obj, "participant_count", None)


class FairTotalsSerializer(serializers.Serializer):
    participations = serializers.IntegerField()
    fair_participations = serializers.IntegerField()
    ecommerce_listings = serializers.IntegerField()
    establishments = serializers.IntegerField()
    booths = serializers.IntegerField()
    support_vnd = serializers.IntegerField()
    sales_vnd = serializers.IntegerField()
    contracts_signed = serializers.IntegerField()
    new_distributors = serializers.IntegerField()


class FairDetailSerializer(FairOutputSerializer):
    totals = serializers.SerializerMethodField()

    class Meta(FairOutputSerializer.Meta):
        fields = [*FairOutputSerializer.Meta.fields, "totals"]

    @extend_schema(responses=FairTotalsSerializer)
    def get_totals(self, obj: Fair) -> dict[str, int]:
        return selectors.fair_totals(self.context["request"].user, obj)


class FairInputSerializer(serializers.Serializer):
    """Shape and types only; dates, venue and amounts are checked by the service (Vietnamese messages)."""

    name = serializers.CharField(max_length=255)
    organiser = serializers.CharField(max_length=255)
    scope = serializers.ChoiceField(choices=FairScope.choices)
    venue_code = serializers.CharField(max_length=10, required=False, allow_blank=True, allow_null=True,
                                       help_text="Mã GSO đơn vị hành chính nơi tổ chức (trong nước)")
    venue_country = serializers.CharField(max_length=100, required=False, allow_blank=True)
    venue_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    venue_detail = serializers.CharField(max_length=255, required=False, allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    scheme = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                      help_text="Mã (id) đề án khuyến công")
    support_policy = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    booth_support_vnd = serializers.IntegerField(required=False)
    cancelled = serializers.BooleanField(required=False)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text="Bắt buộc khi cập nhật")

    def to_service_data(self, instance: Fair | None = None) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("version", None)
        resolve_scheme(data)
        if "venue_code" in data:
            code = (data.pop("venue_code") or "").strip()
            data["venue_unit"] = None
            if code:
                day = data.get("start_date") or (instance.start_date if instance else timezone.localdate())
                try:
                    data["venue_unit"] = unit_by_code(code, on=day)
                except UnitNotFound as exc:
                    raise DRFValidationError({"venue_code": [str(exc)]}) from None
        return data


class FairUpdateSerializer(FairInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


_FAIR_PARAMS = [
    OpenApiParameter("when", str, enum=[UPCOMING, PAST], description="Sắp/đang diễn ra (mặc định) hoặc đã diễn ra"),
    OpenApiParameter("q", str), OpenApiParameter("scope", str, enum=FairScope.values),
    OpenApiParameter("year", int),
]


@extend_schema_view(
    list=extend_schema(parameters=_FAIR_PARAMS),
    retrieve=extend_schema(responses=FairDetailSerializer),
    **write_schemas(FairOutputSerializer, create=FairInputSerializer, update=FairUpdateSerializer),
)
class FairViewSet(ExportableListMixin, ServiceViewSet):
    """Trade fairs and exhibitions (every member reads; province staff write)."""

    export_filename = "hoi-cho"
    serializer_class = FairOutputSerializer
    input_serializer = FairInputSerializer
    update_serializer = FairUpdateSerializer

    def get_queryset(self) -> QuerySet[Fair]:
        params = self.request.query_params
        filters = FairFilters(when=choice_param(params, "when", (UPCOMING, PAST)) or UPCOMING, q=params.get("q", ""),
                              scope=choice_param(params, "scope", FairScope.values), year=year_param(params))
        return selectors.fair_list(self.request.user, filters)

    def get_object(self) -> Fair:
        return selectors.fair_get(self.request.user, self.kwargs["pk"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(FairDetailSerializer(self.get_object(), context={"request": request}).data)

    def create_record(self, user: Any, payload: Any) -> Fair:
        return services.fair_create(actor=user, data=payload.to_service_data())

    def update_record(self, user: Any, record: Fair, payload: Any, version: int) -> Fair:
        return services.fair_update(actor=user, fair=record, data=payload.to_service_data(record),
                                    expected_version=version)


class FairEstablishmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    commune = UnitRefSerializer()


class FairRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    start_date = serializers.DateField()
    scope = serializers.CharField()


class FairParticipationOutputSerializer(serializers.ModelSerializer):
    fair = FairRefSerializer()
    establishment = FairEstablishmentRefSerializer()
    products = FairProductRefSerializer(many=True, read_only=True)
    products_shown = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = FairParticipation
        fields = ["id", "fair", "establishment", "kind", "platform", "booths", "products", "products_shown",
                  "support_vnd",
                  "contracts_signed", "sales_vnd", "new_distributors", "withdrawn", "notes", "version",
                  "created_at", "updated_at"]


def establishment_ref(user: Any, pk: int) -> Establishment:
    """The establishment named by id, among those ``user`` may see.

    One outside the caller's area is answered exactly like an id that does not exist (400 on the field),
    so the answer never tells that it exists.
    """
    found = establishments_for(user).select_related("commune").filter(pk=pk).first()
    if found is None:
        raise DRFValidationError({"establishment": [_("Không tìm thấy cơ sở này.")]})
    return found


class FairParticipationInputSerializer(serializers.Serializer):
    """Shape and types only: amounts may arrive negative so the service answers in Vietnamese."""

    fair = serializers.IntegerField(help_text="Mã (id) hội chợ")
    establishment = serializers.IntegerField(help_text="Mã (id) cơ sở CNNT")
    kind = serializers.ChoiceField(choices=ParticipationKind.choices, required=False)
    platform = serializers.CharField(max_length=100, required=False, allow_blank=True)
    booths = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    products = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
                                     max_length=50,
                                     help_text="Mã (id) sản phẩm trong danh mục của chính cơ sở tham gia")
    products_shown = serializers.ListField(child=serializers.CharField(max_length=200), required=False,
                                           max_length=50, help_text="Tên sản phẩm chưa có trong danh mục")
    support_vnd = serializers.IntegerField(required=False, allow_null=True)
    contracts_signed = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    sales_vnd = serializers.IntegerField(required=False, allow_null=True)
    new_distributors = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    withdrawn = serializers.BooleanField(required=False)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text="Bắt buộc khi cập nhật")

    def to_service_data(self, user: Any) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("version", None)
        if "fair" in data:
            try:
                data["fair"] = selectors.fair_get(user, data["fair"])
            except Http404:  # an unknown fair is a field error, not a 404 of the endpoint
                raise DRFValidationError({"fair": [_("Không tìm thấy hội chợ này.")]}) from None
        if "establishment" in data:
            data["establishment"] = establishment_ref(user, data["establishment"])
        if "products" in data:
            ids = set(data["products"])
            # Among the products the caller may see: one outside the area reads like an unknown id (its name is
            # never shown); the service refuses a visible product of another establishment, naming it.
            products = list(products_for(user).filter(pk__in=ids).order_by("name", "pk"))
            if len(products) != len(ids):
                raise DRFValidationError({"products": [_("Không tìm thấy sản phẩm này trong danh mục.")]})
            data["products"] = products
        return data


class FairParticipationUpdateSerializer(FairParticipationInputSerializer):
    fair = serializers.IntegerField(required=False, help_text="Không đổi được")
    establishment = serializers.IntegerField(required=False, help_text="Không đổi được")
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản đã đọc; sai thì trả 409")


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("fair", int), OpenApiParameter("establishment", int),
                                   OpenApiParameter("kind", str, enum=ParticipationKind.values)]),
    **write_schemas(FairParticipationOutputSerializer, create=FairParticipationInputSerializer,
                    update=FairParticipationUpdateSerializer),
)
class FairParticipationViewSet(ExportableListMixin, ServiceViewSet, mixins.DestroyModelMixin):
    """Participations (lượt) visible to the caller: commune officers see their communes' establishments."""

    export_filename = "tham-gia-hoi-cho"
    serializer_class = FairParticipationOutputSerializer
    input_serializer = FairParticipationInputSerializer
    update_serializer = FairParticipationUpdateSerializer

    def get_queryset(self) -> QuerySet[FairParticipation]:
        params = self.request.query_params
        for key in ("fair", "establishment"):
            # Ids beyond a 64-bit integer cannot exist and would overflow the database driver.
            if params.get(key) and not (params[key].isdigit() and len(params[key]) <= 18):
                raise DRFValidationError({key: [_("Mã không hợp lệ.")]})
        return selectors.participation_list(
            self.request.user, fair_id=params.get("fair"),
            establishment_id=params.get("establishment"), kind=choice_param(params, "kind", ParticipationKind.values))

    def get_object(self) -> FairParticipation:
        if self.request.method in ("PUT", "PATCH", "DELETE"):
            return selectors.participation_get_for_update(self.request.user, self.kwargs["pk"])
        return selectors.participation_get(self.request.user, self.kwargs["pk"])

    def before_create(self, user: Any) -> None:
        # Role first (as the service does), so a caller without rights learns nothing from lookups.
        require(entry_role_allows(user, Action.CREATE))

    def create_record(self, user: Any, payload: Any) -> FairParticipation:
        return services.participation_create(actor=user, data=payload.to_service_data(user))

    def update_record(self, user: Any, record: FairParticipation, payload: Any, version: int) -> FairParticipation:
        saved = services.participation_update(actor=user, participation=record, data=payload.to_service_data(user),
                                              expected_version=version)
        return selectors.participations_for_update(user).get(pk=saved.pk)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete a registration entered by mistake (a withdrawal is marked ``withdrawn`` instead)."""
        services.participation_delete(actor=self.request.user, participation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the API v1 router."""
    router.register("fairs", FairViewSet, basename="fair")
    # "participations" is taken by the training app (course participants).
    router.register("fairparticipations", FairParticipationViewSet, basename="fair-participation")
    from khuyencong.fairs.api_showrooms import ShowroomViewSet  # it builds on this module's references

    router.register("showrooms", ShowroomViewSet, basename="showroom")
