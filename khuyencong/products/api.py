"""API v1 of the typical-product scheme: the same selectors and services as the pages.

Jurors see only the dossiers they score (and only their own scores until scoring closes); the
round's secretary and province staff run the round; representatives see their own dossiers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from khuyencong.accounts.models import User
from khuyencong.core.api import ServiceCreateMixin, validated
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.core.lifecycle import NOTE_MAX_LENGTH, note_errors
from khuyencong.core.requests import AuthenticatedRequest
from khuyencong.products import selectors, services
from khuyencong.products.models import (
    Certificate,
    Council,
    CouncilMember,
    Nomination,
    Product,
    ProductDocument,
    ProductGroup,
    RecognitionLevel,
    Result,
    RuleSet,
    Score,
    SelectionRound,
)

# ---- output -------------------------------------------------------------------------------------


class ProductOut(serializers.ModelSerializer):
    group = serializers.CharField(source="group.code", read_only=True)
    establishment_name = serializers.CharField(source="establishment.name", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "establishment", "establishment_name", "name", "group", "description", "one_off", "version"]


class RoundOut(serializers.ModelSerializer):
    level = serializers.CharField(source="level.code", read_only=True)
    status = serializers.CharField(read_only=True)  # plain string: avoids a colliding "Status" enum in the schema
    organiser_code = serializers.CharField(source="organiser.code", read_only=True)

    class Meta:
        model = SelectionRound
        fields = ["id", "name", "level", "organiser_code", "year", "plan_document_no", "dossier_deadline",
                  "rule_set", "quota", "status", "version"]


class ResultOut(serializers.ModelSerializer):
    class Meta:
        model = Result
        fields = ["combined_score", "juror_count", "rank_in_group", "passed_mark", "within_quota", "tie_at_quota",
                  "proposed", "approved", "note"]


class NominationOut(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    status = serializers.CharField(read_only=True)
    result = serializers.SerializerMethodField()

    class Meta:
        model = Nomination
        fields = ["id", "round", "product", "product_name", "selection_code", "submitted_on", "status",
                  "eligibility", "result"]

    def get_result(self, obj: Nomination) -> dict[str, Any] | None:
        if obj.round.status in ("open", "scoring"):
            return None
        result = getattr(obj, "result", None) if hasattr(obj, "result") else None
        return ResultOut(result).data if result else None


class ScoreOut(serializers.ModelSerializer):
    juror = serializers.CharField(source="member.user.username", read_only=True)
    criterion = serializers.CharField(source="criterion.code", read_only=True)

    class Meta:
        model = Score
        fields = ["nomination", "juror", "criterion", "points"]


class CertificateOut(serializers.ModelSerializer):
    level = serializers.CharField(source="level.code", read_only=True)
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    decided_on = serializers.DateField(source="decision.decided_on", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "number", "product", "level", "year", "issued_on", "valid_until", "revoked",
                  "decision_number", "decided_on"]


# ---- input --------------------------------------------------------------------------------------


class ProductIn(serializers.Serializer):
    establishment = serializers.IntegerField()
    name = serializers.CharField(max_length=255)
    group = serializers.SlugRelatedField(slug_field="code", queryset=ProductGroup.objects.filter(valid_to=None))
    description = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    one_off = serializers.BooleanField(required=False, default=False)


class RoundIn(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    level = serializers.PrimaryKeyRelatedField(queryset=RecognitionLevel.objects.all())
    organiser_code = serializers.CharField(max_length=10)
    year = serializers.IntegerField(min_value=2010, max_value=2100)
    plan_document_no = serializers.CharField(max_length=100, required=False, allow_blank=True)
    dossier_deadline = serializers.DateField()
    rule_set = serializers.PrimaryKeyRelatedField(queryset=RuleSet.objects.all())
    quota = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class NominationIn(serializers.Serializer):
    round = serializers.IntegerField()
    product = serializers.IntegerField()
    made_by_establishment = serializers.BooleanField()
    submitted_on = serializers.DateField(required=False)
    registration_form_no = serializers.CharField(max_length=50, required=False, allow_blank=True)
    dossier_note = serializers.CharField(max_length=8000, required=False, allow_blank=True)


class SheetIn(serializers.Serializer):
    points = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2),
                                   help_text="Mã tiêu chí → điểm")


class ConflictIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ApproveIn(serializers.Serializer):
    approved_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="",
                                 error_messages=note_errors(gettext_lazy("Ghi chú")))


class DocumentIn(serializers.Serializer):
    kind = serializers.CharField(max_length=20)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    file = serializers.FileField(help_text="PDF, DOCX, JPG hoặc PNG; tối đa 10 MB")


class DocumentOut(serializers.ModelSerializer):
    class Meta:
        model = ProductDocument
        fields = ["id", "product", "kind", "title"]


class CouncilIn(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    decision_no = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class MemberIn(serializers.Serializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    role = serializers.CharField(max_length=20)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MemberOut(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    role = serializers.CharField(read_only=True)

    class Meta:
        model = CouncilMember
        fields = ["id", "user", "role", "title"]


class CouncilOut(serializers.ModelSerializer):
    members = MemberOut(many=True, read_only=True)
    warning = serializers.SerializerMethodField()

    class Meta:
        model = Council
        fields = ["id", "round", "name", "decision_no", "members", "warning"]

    def get_warning(self, obj: Council) -> str:
        return services.jury_warning(obj)


class DecideIn(serializers.Serializer):
    number = serializers.CharField(max_length=100)
    decided_on = serializers.DateField()


# ---- viewsets -----------------------------------------------------------------------------------


class _Scoped(ExportableListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    user: Any

    def _user(self) -> Any:
        return self.request.user


@extend_schema_view(create=extend_schema(request=ProductIn, responses={201: ProductOut}))
class ProductViewSet(ServiceCreateMixin, mixins.CreateModelMixin, _Scoped):
    export_filename = "san-pham"
    serializer_class = ProductOut
    input_serializer = ProductIn

    def get_queryset(self) -> QuerySet[Product]:
        return selectors.products_for(self._user()).order_by("pk")

    def get_object(self) -> Product:
        return selectors.product_get(self._user(), self.kwargs["pk"])

    def create_record(self, user: Any, payload: Any) -> Product:
        from khuyencong.establishments.selectors import establishment_get

        data = dict(payload.validated_data)
        data["establishment"] = establishment_get(user, data["establishment"])
        return services.product_create(actor=user, data=data)

    @extend_schema(request={"multipart/form-data": DocumentIn}, responses={201: DocumentOut})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def documents(self, request: Request, pk: str) -> Response:
        payload = validated(DocumentIn, request)
        document = services.product_document_add(actor=self.request.user, product=self.get_object(),
                                                 **payload.validated_data)
        return Response(DocumentOut(document).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(request=RoundIn, responses={201: RoundOut}))
class RoundViewSet(ServiceCreateMixin, mixins.CreateModelMixin, _Scoped):
    export_filename = "vong-binh-chon"
    export_actions = ("results",)
    serializer_class = RoundOut
    input_serializer = RoundIn

    def get_queryset(self) -> QuerySet[SelectionRound]:
        return selectors.rounds_for(self._user())

    def get_object(self) -> SelectionRound:
        return selectors.round_get(self._user(), self.kwargs["pk"])

    def create_record(self, user: Any, payload: Any) -> SelectionRound:
        from khuyencong.geo.selectors import UnitNotFound, unit_by_code

        data = dict(payload.validated_data)
        try:
            data["organiser"] = unit_by_code(data.pop("organiser_code"), on=data["dossier_deadline"])
        except UnitNotFound as exc:
            raise serializers.ValidationError({"organiser_code": [str(exc)]}) from None
        return services.round_create(actor=user, data=data)

    def _transition(self, fn: Any, **extra: Any) -> Response:
        selection_round = self.get_object()
        fn(actor=self.request.user, selection_round=selection_round, **extra)
        return Response(RoundOut(selectors.round_get(self._user(), selection_round.pk)).data)

    @extend_schema(request=None, responses={200: RoundOut})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._transition(services.round_start_scoring)

    @extend_schema(request=None, responses={200: RoundOut})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._transition(services.round_close_scoring)

    @extend_schema(request=ApproveIn, responses={200: RoundOut})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        payload = validated(ApproveIn, request)
        return self._transition(services.round_approve, approved_ids=payload.validated_data.get("approved_ids"),
                                note=payload.validated_data["note"])

    @extend_schema(request=DecideIn, responses={200: RoundOut})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        payload = validated(DecideIn, request)
        return self._transition(services.recognition_decide, **payload.validated_data)

    def _council(self, selection_round: SelectionRound) -> Council:
        council = Council.objects.filter(round=selection_round).prefetch_related("members__user").first()
        if council is None:
            raise NotFound(_("Đợt bình chọn chưa có hội đồng."))
        return council

    @extend_schema(methods=["get"], responses={200: CouncilOut})
    @extend_schema(methods=["post"], request=CouncilIn, responses={201: CouncilOut})
    @action(detail=True, methods=["get", "post"])
    def council(self, request: Request, pk: str) -> Response:
        """The round's council; created by whoever manages the round."""
        selection_round = self.get_object()
        if request.method == "POST":
            payload = validated(CouncilIn, request)
            services.council_create(actor=self.request.user, selection_round=selection_round,
                                    **payload.validated_data)
            return Response(CouncilOut(self._council(selection_round)).data, status=status.HTTP_201_CREATED)
        return Response(CouncilOut(self._council(selection_round)).data)

    @extend_schema(request=MemberIn, responses={201: CouncilOut})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        selection_round = self.get_object()
        payload = validated(MemberIn, request)
        services.council_member_add(actor=self.request.user, council=self._council(selection_round),
                                    **payload.validated_data)
        return Response(CouncilOut(self._council(selection_round)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ResultOut(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def results(self, request: Request, pk: str) -> Response:
        selection_round = self.get_object()
        return self.action_rows(request, selectors.results_for(self._user(), selection_round), ResultOut,
                                filename=f"ket-qua-vong-{selection_round.pk}")


@extend_schema_view(create=extend_schema(request=NominationIn, responses={201: NominationOut}))
class NominationViewSet(ServiceCreateMixin, mixins.CreateModelMixin, _Scoped):
    export_filename = "ho-so-binh-chon"
    serializer_class = NominationOut
    input_serializer = NominationIn

    def get_queryset(self) -> QuerySet[Nomination]:
        return selectors.nominations_for(self._user())

    def get_object(self) -> Nomination:
        return selectors.nomination_get(self._user(), self.kwargs["pk"])

    def create_record(self, user: Any, payload: Any) -> Nomination:
        data = dict(payload.validated_data)
        selection_round = selectors.round_get(user, data.pop("round"))
        product = selectors.product_get(user, data.pop("product"))
        return services.nomination_create(actor=user, selection_round=selection_round, product=product, **data)

    @extend_schema(methods=["get"], responses={200: ScoreOut(many=True)})
    @extend_schema(methods=["post"], request=SheetIn, responses={200: ScoreOut(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def scores(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            # Recused jurors get the service's 403 with its reason; strangers still get 404.
            nomination = selectors.nomination_for_scoring(self._user(), pk)
        else:
            nomination = self.get_object()
        if request.method == "POST":
            payload = validated(SheetIn, request)
            services.score_sheet_submit(actor=self.request.user, nomination=nomination,
                                        points=payload.validated_data["points"])
        visible = selectors.scores_visible_to(self._user(), nomination.round).filter(nomination=nomination)
        return Response(ScoreOut(visible.order_by("member_id", "criterion__order"), many=True).data)

    @extend_schema(request=ConflictIn, responses={201: None})
    @action(detail=True, methods=["post"])
    def conflicts(self, request: Request, pk: str) -> Response:
        payload = validated(ConflictIn, request)
        services.conflict_declare(actor=self.request.user, nomination=self.get_object(),
                                  reason=payload.validated_data["reason"])
        return Response(status=status.HTTP_201_CREATED)


class CertificateViewSet(_Scoped):
    export_filename = "chung-nhan"
    serializer_class = CertificateOut

    def get_queryset(self) -> QuerySet[Certificate]:
        return selectors.certificates_for(self._user())

    def get_object(self) -> Certificate:
        return selectors.certificate_get(self._user(), self.kwargs["pk"])


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the API v1 router."""
    router.register("products", ProductViewSet, basename="product")
    router.register("rounds", RoundViewSet, basename="round")
    router.register("nominations", NominationViewSet, basename="nomination")
    router.register("certificates", CertificateViewSet, basename="certificate")
