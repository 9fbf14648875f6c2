"""API v1 endpoints of the training app: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiTypes,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from khuyencong.core.api import ServiceViewSet, validated, write_schemas, year_param
from khuyencong.core.api_exports import ExportableListMixin
from khuyencong.core.requests import AuthenticatedRequest
from khuyencong.establishments.api import UnitRefSerializer
from khuyencong.geo.selectors import UnitNotFound, unit_by_code
from khuyencong.schemes.models import Scheme
from khuyencong.training import policy, selectors, services
from khuyencong.training.masking import mask_national_id, mask_phone
from khuyencong.training.models import (
    ConsentPurpose,
    Course,
    CourseType,
    FollowUpStatus,
    Gender,
    LegalBasis,
    Participation,
    ParticipationStatus,
    Person,
    PersonConsent,
    PersonRole,
)
from khuyencong.training.selectors import CourseFilters

MAX_ID = 2**63 - 1  # larger ids cannot exist and would overflow the database driver


def choice_field(choices: list[tuple[str, Any]], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field documented as a string listing its values, not as an enum component: several apps
    have their own "status" or "kind" lists and drf-spectacular would name the enums ambiguously
    (a settings-level ENUM_NAME_OVERRIDES entry would restore the enums)."""
    schema = {"type": "string", "description": "Một trong: " + ", ".join(value for value, _label in choices)}

    @extend_schema_field(schema)  # on a class: DRF deep-copies field instances, dropping instance attributes
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


class CourseSchemeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


def resolve_scheme(scheme_id: int | None) -> Scheme | None:
    """The scheme for an id, unscoped: the service answers 400 when the caller may not see it, with the same
    message as for an unknown id, so the API does not reveal which schemes exist outside the caller's area."""
    if scheme_id is None:
        return None
    found = Scheme.objects.filter(pk=scheme_id).first()
    if found is None:
        raise ValidationError({"scheme": [
            _("Không tìm thấy đề án khuyến công này hoặc bạn không có quyền xem đề án.")]})
    return found


class CourseOutputSerializer(serializers.ModelSerializer):
    course_type: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organising_unit = UnitRefSerializer()
    venue_unit = UnitRefSerializer(allow_null=True)
    scheme = CourseSchemeRefSerializer(allow_null=True)

    class Meta:
        model = Course
        fields = ["id", "code", "title", "course_type", "scheme", "organiser", "organising_unit", "trainer",
                  "venue_unit", "abroad_country", "abroad_city", "start_date", "end_date", "planned_participants",
                  "actual_participants", "notes", "version"]


class CourseInputSerializer(serializers.Serializer):
    """Shape and types only; dates, area and uniqueness are the service's checks."""

    code = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=255)
    course_type = serializers.CharField(max_length=40, help_text="Mã loại lớp, ví dụ vocational")
    scheme = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                      help_text="Mã (id) đề án khuyến công")
    organiser = serializers.CharField(max_length=255)
    organising_unit_code = serializers.CharField(max_length=10, help_text="Mã tỉnh hoặc xã/phường tổ chức")
    trainer = serializers.CharField(max_length=255, required=False, allow_blank=True)
    venue_unit_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    abroad_country = serializers.CharField(max_length=100, required=False, allow_blank=True)
    abroad_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    planned_participants = serializers.IntegerField(min_value=0, required=False)
    actual_participants = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text="Bắt buộc khi cập nhật")

    def to_service_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("version", None)
        day = data.get("start_date") or timezone.localdate()
        if "course_type" in data:
            found = selectors.course_types_on(day).filter(code=data.pop("course_type")).first()
            if found is None:
                raise ValidationError({"course_type": ["Loại lớp không tồn tại hoặc không còn hiệu lực."]})
            data["course_type"] = found
        if "scheme" in data:
            data["scheme"] = resolve_scheme(data["scheme"])
        for key, target in (("organising_unit_code", "organising_unit"), ("venue_unit_code", "venue_unit")):
            code = data.pop(key, None)
            if code:
                try:
                    data[target] = unit_by_code(code, on=day)
                except UnitNotFound as exc:
                    raise ValidationError({key: [str(exc)]}) from None
        return data


class ParticipantSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField()
    person_name = serializers.CharField(source="person.full_name")
    course_code = serializers.CharField(source="course.code")
    status = choice_field(ParticipationStatus.choices, read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "person_id", "person_name", "course_code", "status", "certificate_no", "follow_up_due_3m",
                  "follow_up_due_6m"]


class DueSerializer(ParticipantSerializer):
    milestone = serializers.IntegerField()
    due_on = serializers.DateField()

    class Meta(ParticipantSerializer.Meta):
        fields = [*ParticipantSerializer.Meta.fields, "milestone", "due_on"]


class EnrolInputSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(required=False)
    national_ids = serializers.CharField(required=False, max_length=20000, help_text="Mỗi dòng một số định danh")


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("course_type", str),
                                   OpenApiParameter("year", int)]),
    **write_schemas(CourseOutputSerializer, create=CourseInputSerializer, update=CourseInputSerializer),
)
class CourseViewSet(ExportableListMixin, ServiceViewSet):
    """Courses visible to the caller (scoped by the organising unit)."""

    export_filename = "lop-dao-tao"
    export_actions = ("participants",)
    serializer_class = CourseOutputSerializer
    input_serializer = update_serializer = CourseInputSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Course]:
        params = self.request.query_params
        filters = CourseFilters(q=params.get("q", ""), course_type=params.get("course_type", ""),
                                year=year_param(params))
        return selectors.course_list(self.request.user, filters)

    def get_object(self) -> Course:
        return selectors.course_get(self.request.user, self.kwargs["pk"])

    def create_record(self, user: Any, payload: Any) -> Course:
        return services.course_create(actor=user, data=payload.to_service_data())

    def update_record(self, user: Any, record: Course, payload: Any, version: int) -> Course:
        return services.course_update(actor=user, course=record, data=payload.to_service_data(),
                                      expected_version=version)

    @extend_schema(responses={200: ParticipantSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def participants(self, request: Request, pk: str | None = None) -> Response:
        course = self.get_object()
        rows = selectors.course_participants(course).select_related("course")
        return self.action_rows(request, rows, ParticipantSerializer, filename=f"hoc-vien-lop-{course.pk}")

    @extend_schema(request=EnrolInputSerializer, responses={201: ParticipantSerializer(many=True)})
    @action(detail=True, methods=["post"], pagination_class=None)
    def enrol(self, request: Request, pk: str | None = None) -> Response:
        """Enrol one person (person_id) or a list of ID numbers (national_ids, all-or-nothing)."""
        course = self.get_object()
        payload = validated(EnrolInputSerializer, request)
        data = payload.validated_data
        if data.get("national_ids"):
            created = services.participants_enrol_by_ids(actor=self.request.user, course=course,
                                                         text=data["national_ids"])
        elif data.get("person_id"):
            person = selectors.person_get(self.request.user, data["person_id"])
            created = [services.participant_enrol(actor=self.request.user, course=course, person=person)]
        else:
            raise ValidationError({"person_id": ["Cần person_id hoặc national_ids."]})
        return Response(ParticipantSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class PersonOutputSerializer(serializers.ModelSerializer):
    # Masked for some readers; a list export writing them in full is logged (core.streaming).
    personal_fields = ("national_id", "phone")
    national_id = serializers.SerializerMethodField(help_text="Luôn che; dùng POST …/unmask để xem (có ghi nhật ký)")
    phone = serializers.SerializerMethodField()
    commune = UnitRefSerializer()

    class Meta:
        model = Person
        fields = ["id", "national_id", "full_name", "birth_date", "birth_year", "gender", "ethnicity", "commune",
                  "employer", "role", "phone", "restricted", "version"]

    def get_national_id(self, obj: Person) -> str:
        return mask_national_id(obj.national_id)

    def get_phone(self, obj: Person) -> str:
        user = self.context["request"].user
        return obj.phone if policy.sees_personal_data(user, obj) else mask_phone(obj.phone)


class PersonInputSerializer(serializers.Serializer):
    national_id = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    full_name = serializers.CharField(max_length=150)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)
    gender = serializers.ChoiceField(choices=Gender.choices)
    ethnicity = serializers.CharField(max_length=50, required=False, allow_blank=True)
    commune_code = serializers.CharField(max_length=10)
    role = serializers.ChoiceField(choices=PersonRole.choices, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    confirm_distinct = serializers.BooleanField(required=False, default=False)
    correction = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(min_value=1, required=False)

    def to_service_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        for key in ("confirm_distinct", "correction", "version"):
            data.pop(key, None)
        code = data.pop("commune_code", None)
        if code:
            try:
                data["commune"] = unit_by_code(code, on=timezone.localdate(), level="commune")
            except UnitNotFound as exc:
                raise ValidationError({"commune_code": [str(exc)]}) from None
        return data


class RequiredBooleanField(serializers.BooleanField):
    """A boolean that must be sent: DRF reads a missing form field as False, which would lift a restriction."""

    default_empty_html = empty


class RestrictInputSerializer(serializers.Serializer):
    restricted = RequiredBooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ConsentInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    basis = serializers.ChoiceField(choices=LegalBasis.choices)
    given_at = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ConsentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonConsent
        fields = ["id", "purpose", "basis", "given_at", "withdrawn_at", "note"]


class MergeInputSerializer(serializers.Serializer):
    merge_id = serializers.IntegerField(min_value=1)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("q", str, description="Họ tên hoặc số định danh đầy đủ")]),
    **write_schemas(PersonOutputSerializer, create=PersonInputSerializer, update=PersonInputSerializer),
)
@method_decorator(never_cache, name="dispatch")  # persons' data (phones in full for some roles): no cache copy
class PersonViewSet(ExportableListMixin, ServiceViewSet):
    """Persons visible to the caller (commune officers: their communes' residents); ID numbers masked."""

    export_filename = "hoc-vien"
    serializer_class = PersonOutputSerializer
    input_serializer = update_serializer = PersonInputSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Person]:
        q = self.request.query_params.get("q", "")
        return services.person_search(actor=self.request.user, q=q)

    def get_object(self) -> Person:
        return selectors.person_get(self.request.user, self.kwargs["pk"])

    def create_record(self, user: Any, payload: Any) -> Person:
        return services.person_create(actor=user, data=payload.to_service_data(),
                                      confirm_distinct=payload.validated_data["confirm_distinct"])

    def update_record(self, user: Any, record: Person, payload: Any, version: int) -> Person:
        return services.person_update(actor=user, person=record, data=payload.to_service_data(),
                                      expected_version=version,
                                      correction=payload.validated_data.get("correction", False))

    @extend_schema(request=None,
                   responses={200: inline_serializer("UnmaskedId", {"national_id": serializers.CharField()})})
    @action(detail=True, methods=["post"])
    def unmask(self, request: Request, pk: str | None = None) -> Response:
        """The full ID number; the access is logged. 403 for roles without the right."""
        full = services.person_unmask_id(actor=self.request.user, person=self.get_object())
        return Response({"national_id": full})

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def export(self, request: Request, pk: str | None = None) -> Response:
        """Data-subject access request: everything held about this person."""
        return Response(services.person_export(actor=self.request.user, person=self.get_object()))

    @extend_schema(request=RestrictInputSerializer, responses={200: PersonOutputSerializer})
    @action(detail=True, methods=["post"])
    def restrict(self, request: Request, pk: str | None = None) -> Response:
        payload = validated(RestrictInputSerializer, request)
        person = services.person_restrict(actor=self.request.user, person=self.get_object(),
                                          restricted=payload.validated_data["restricted"],
                                          note=payload.validated_data.get("note", ""))
        return Response(self.get_serializer(person).data)

    @extend_schema(request=ConsentInputSerializer, responses={201: ConsentOutputSerializer})
    @action(detail=True, methods=["post"])
    def consents(self, request: Request, pk: str | None = None) -> Response:
        """Record the legal basis or consent for one purpose."""
        payload = validated(ConsentInputSerializer, request)
        consent = services.consent_record(actor=self.request.user, person=self.get_object(),
                                          data=payload.validated_data)
        return Response(ConsentOutputSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MergeInputSerializer, responses={200: PersonOutputSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """Merge the duplicate ``merge_id`` into this person."""
        payload = validated(MergeInputSerializer, request)
        keep = self.get_object()
        other = selectors.person_get(self.request.user, payload.validated_data["merge_id"])
        person = services.person_merge(actor=self.request.user, keep=keep, merge=other)
        return Response(self.get_serializer(person).data)


class FollowUpInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    status = choice_field(FollowUpStatus.choices)
    employer_text = serializers.CharField(max_length=255, required=False, allow_blank=True)
    monthly_income_vnd = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FollowUpOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    status = serializers.CharField()
    monthly_income_vnd = serializers.IntegerField(allow_null=True)


class CompleteInputSerializer(serializers.Serializer):
    certificate_no = serializers.CharField(max_length=50, required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("horizon_days", int)],
                                       responses={200: DueSerializer(many=True)}))
class ParticipationViewSet(ExportableListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """The list is the follow-ups-due list of the caller's area; actions change a participation."""

    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    export_filename = "luot-hoc-vien"
    serializer_class = ParticipantSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return DueSerializer if self.action == "list" else ParticipantSerializer

    def get_queryset(self) -> QuerySet[Participation]:
        horizon = self.request.query_params.get("horizon_days", "0")
        days = min(int(horizon), 90) if horizon.isdigit() else 0
        return selectors.follow_ups_due(self.request.user, horizon_days=days)

    def get_object(self) -> Participation:
        return selectors.participation_get(self.request.user, self.kwargs["pk"])

    @extend_schema(request=CompleteInputSerializer, responses={200: ParticipantSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        payload = validated(CompleteInputSerializer, request)
        done = services.participant_complete(actor=self.request.user, participation=self.get_object(),
                                             certificate_no=payload.validated_data.get("certificate_no", ""))
        return Response(ParticipantSerializer(done).data)

    @extend_schema(request=None, responses={200: ParticipantSerializer})
    @action(detail=True, methods=["post"])
    def drop(self, request: Request, pk: str | None = None) -> Response:
        dropped = services.participant_drop(actor=self.request.user, participation=self.get_object())
        return Response(ParticipantSerializer(dropped).data)

    @extend_schema(request=FollowUpInputSerializer, responses={201: FollowUpOutputSerializer})
    @action(detail=True, methods=["post"], url_path="followups")
    def followups(self, request: Request, pk: str | None = None) -> Response:
        payload = validated(FollowUpInputSerializer, request)
        follow_up = services.follow_up_record(actor=self.request.user, participation=self.get_object(),
                                              data=payload.validated_data)
        return Response(FollowUpOutputSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class CourseTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseType
        fields = ["code", "label", "employment_oriented", "valid_from", "valid_to", "legal_basis"]


class CourseTypeViewSet(ExportableListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The course-type code list (every version)."""

    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it

    export_filename = "loai-lop"
    serializer_class = CourseTypeSerializer
    queryset = CourseType.objects.order_by("code", "valid_from")


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the API v1 router."""
    router.register("courses", CourseViewSet, basename="course")
    router.register("persons", PersonViewSet, basename="person")
    router.register("participations", ParticipationViewSet, basename="participation")
    router.register("coursetypes", CourseTypeViewSet, basename="coursetype")
