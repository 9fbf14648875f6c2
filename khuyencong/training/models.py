"""Courses, the persons trained, their participations and what happened to them after training."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.lifecycle import LifecycleEvent, status_field
from khuyencong.core.models import DatedRule, TrackedModel
from khuyencong.establishments.validators import validate_phone, validate_plain_text
from khuyencong.training.validators import validate_birth_year, validate_national_id


class CourseType(DatedRule):
    """Kind of training (effective-dated code list; Decree 45/2012 Art. 4 as amended by Decree 235/2025)."""

    code = models.CharField(_("mã"), max_length=40)
    label = models.CharField(_("tên loại"), max_length=200)
    # Courses whose trainees are followed up for employment (indicator training.*.employed).
    employment_oriented = models.BooleanField(_("theo dõi việc làm sau đào tạo"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loại lớp đào tạo")
        verbose_name_plural = _("loại lớp đào tạo")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="course_type_version_unique"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="course_type_interval_ordered"),
        ]

    def __str__(self) -> str:
        return self.label


class Course(TrackedModel):
    code = models.CharField(_("mã lớp"), max_length=40, unique=True,
                            error_messages={"unique": _("Mã lớp này đã được dùng cho một lớp khác.")})
    title = models.CharField(_("tên lớp"), max_length=255, validators=[validate_plain_text])
    course_type = models.ForeignKey(CourseType, verbose_name=_("loại lớp"), on_delete=models.PROTECT,
                                    related_name="courses")
    # The extension scheme (đề án khuyến công) that funds the course; optional, courses may be self-funded.
    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("đề án khuyến công"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="courses")
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255, validators=[validate_plain_text])
    # Area rule: a course belongs to the unit that organises it, not to its venue.
    organising_unit = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("địa bàn tổ chức (tỉnh hoặc xã)"), on_delete=models.PROTECT,
        related_name="organised_courses",
    )
    trainer = models.CharField(_("giảng viên/người hướng dẫn"), max_length=255, blank=True,
                               validators=[validate_plain_text])
    venue_unit = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("địa điểm (trong nước)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="hosted_courses",
    )
    abroad_country = models.CharField(_("nước (nếu tổ chức ở nước ngoài)"), max_length=100, blank=True,
                                      validators=[validate_plain_text])
    abroad_city = models.CharField(_("thành phố (nước ngoài)"), max_length=100, blank=True,
                                   validators=[validate_plain_text])
    start_date = models.DateField(_("ngày khai giảng"))
    end_date = models.DateField(_("ngày kết thúc"))
    planned_participants = models.PositiveIntegerField(_("số học viên kế hoạch"), default=0)
    actual_participants = models.PositiveIntegerField(_("số học viên thực tế (báo cáo)"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("lớp đào tạo")
        verbose_name_plural = _("lớp đào tạo")
        indexes = [models.Index(fields=["course_type", "end_date"]), models.Index(fields=["organising_unit"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="course_dates_ordered"),
            models.CheckConstraint(condition=Q(venue_unit__isnull=True) | Q(abroad_country=""),
                                   name="course_venue_domestic_or_abroad"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class PersonRole(models.TextChoices):
    WORKER = "worker", _("Người lao động")
    ESTABLISHMENT_MANAGER = "establishment_manager", _("Chủ/quản lý cơ sở")
    CIVIL_SERVANT = "civil_servant", _("Cán bộ, công chức, viên chức")


class Person(TrackedModel):
    """One real person. Personal data is minimised: no ID-card images, only the number (Law 91/2025)."""

    national_id = models.CharField(
        _("số định danh cá nhân (CCCD)"), max_length=12, null=True, blank=True, unique=True,
        validators=[validate_national_id],
        error_messages={"unique": _("Số định danh này đã được ghi nhận cho một người khác.")},
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, validators=[validate_plain_text])
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True,
                                                  validators=[validate_birth_year])
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=50, blank=True, validators=[validate_plain_text])
    commune = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("xã/phường cư trú"), on_delete=models.PROTECT,
        related_name="persons", limit_choices_to={"level": "commune"},
    )
    employer = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("cơ sở làm việc"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="trainees",
    )
    role = models.CharField(_("đối tượng"), max_length=30, choices=PersonRole.choices, default=PersonRole.WORKER)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True, validators=[validate_phone])
    # Data-subject restriction of processing (Law 91/2025): the record is kept but not changed or used.
    restricted = models.BooleanField(_("hạn chế xử lý"), default=False)
    restriction_note = models.CharField(_("lý do hạn chế"), max_length=300, blank=True,
                                        validators=[validate_plain_text])
    history = HistoricalRecords(excluded_fields=["search_name", "updated_at", "version"])

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        indexes = [models.Index(fields=["search_name", "birth_date", "commune"])]

    def __str__(self) -> str:
        return self.full_name


class ConsentPurpose(models.TextChoices):
    TRAINING = "training", _("Quản lý đào tạo")
    FOLLOW_UP = "follow_up", _("Theo dõi việc làm sau đào tạo")
    STATISTICS = "statistics", _("Thống kê, báo cáo khuyến công")
    CONTACT = "contact", _("Liên hệ thông báo")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Sự đồng ý của chủ thể dữ liệu")
    LEGAL_OBLIGATION = "legal_obligation", _("Nghĩa vụ theo quy định pháp luật")
    PUBLIC_TASK = "public_task", _("Nhiệm vụ của cơ quan nhà nước")
    CONTRACT = "contract", _("Thực hiện hợp đồng")


class PersonConsent(TrackedModel):
    """Legal basis or consent per purpose (Law 91/2025/QH15, Decree 356/2025/NĐ-CP)."""

    person = models.ForeignKey(Person, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("mục đích xử lý"), max_length=20, choices=ConsentPurpose.choices)
    basis = models.CharField(_("căn cứ xử lý"), max_length=20, choices=LegalBasis.choices)
    given_at = models.DateField(_("ngày đồng ý/áp dụng"))
    withdrawn_at = models.DateField(_("ngày rút lại"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True, validators=[validate_plain_text])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("căn cứ xử lý dữ liệu cá nhân")
        verbose_name_plural = _("căn cứ xử lý dữ liệu cá nhân")
        constraints = [
            models.CheckConstraint(condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                                   name="consent_withdrawn_after_given"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_purpose_display()}"


class ParticipationStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Đang học")
    COMPLETED = "completed", _("Hoàn thành")
    DROPPED = "dropped", _("Bỏ học")


class Participation(TrackedModel):
    """A person's enrolment in a course (học viên); one per person and course, so nobody counts twice."""

    person = models.ForeignKey(Person, verbose_name=_("học viên"), on_delete=models.PROTECT,
                               related_name="participations")
    course = models.ForeignKey(Course, verbose_name=_("lớp"), on_delete=models.PROTECT, related_name="participations")
    status = models.CharField(_("trạng thái"), max_length=20, choices=ParticipationStatus.choices,
                              default=ParticipationStatus.ENROLLED)
    certificate_no = models.CharField(_("số chứng chỉ"), max_length=50, blank=True, validators=[validate_plain_text])
    # Follow-up milestones (3 and 6 months after the course ends) for employment-oriented courses;
    # stored so the due list is a plain SQL filter. Refreshed whenever the course's dates or type change.
    follow_up_due_3m = models.DateField(_("hạn theo dõi 3 tháng"), null=True, blank=True)
    follow_up_due_6m = models.DateField(_("hạn theo dõi 6 tháng"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("lượt tham gia lớp")
        verbose_name_plural = _("lượt tham gia lớp")
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="participation_person_course_unique",
                                    violation_error_message=_("Học viên này đã có trong lớp.")),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.course.code}"


class ParticipationEvent(LifecycleEvent):
    """One status transition of a participation: who, when, from, to, note."""

    record_field = "participation"
    participation = models.ForeignKey(Participation, verbose_name=_("lượt tham gia"), on_delete=models.CASCADE,
                                      related_name="events")
    from_status = status_field(_("từ trạng thái"), ParticipationStatus.choices, blank=True)
    to_status = status_field(_("sang trạng thái"), ParticipationStatus.choices)
    history = HistoricalRecords()

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("sự kiện học viên")
        verbose_name_plural = _("sự kiện học viên")


class FollowUpStatus(models.TextChoices):
    EMPLOYED = "employed", _("Có việc làm (làm công)")
    SELF_EMPLOYED = "self_employed", _("Tự tạo việc làm")
    UNEMPLOYED = "unemployed", _("Chưa có việc làm")
    STUDYING = "studying", _("Đang học tiếp")


EMPLOYED_STATUSES = (FollowUpStatus.EMPLOYED, FollowUpStatus.SELF_EMPLOYED)


class FollowUp(TrackedModel):
    """What a trainee of an employment-oriented course was doing on a date after the course."""

    participation = models.ForeignKey(Participation, verbose_name=_("lượt tham gia"), on_delete=models.CASCADE,
                                      related_name="follow_ups")
    date = models.DateField(_("ngày theo dõi"))
    status = models.CharField(_("tình trạng việc làm"), max_length=20, choices=FollowUpStatus.choices)
    employer_text = models.CharField(_("nơi làm việc"), max_length=255, blank=True, validators=[validate_plain_text])
    employer = models.ForeignKey("establishments.Establishment", verbose_name=_("cơ sở CNNT nơi làm việc"),
                                 null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    monthly_income_vnd = models.BigIntegerField(_("thu nhập bình quân tháng (đồng)"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True, validators=[validate_plain_text])
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("kết quả theo dõi sau đào tạo")
        verbose_name_plural = _("kết quả theo dõi sau đào tạo")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_income_vnd__isnull=True) | Q(monthly_income_vnd__gte=0),
                                   name="follow_up_income_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.participation} · {self.date}"


class AccessKind(models.TextChoices):
    UNMASKED_ID = "unmasked_id", _("Xem số định danh đầy đủ")
    EXPORT = "export", _("Xuất toàn bộ dữ liệu (yêu cầu của chủ thể dữ liệu)")
    ID_SEARCH = "id_search", _("Tra cứu theo số định danh")
    # Disclosures of many persons at once (one row each, with the number of persons).
    REGISTER_EXPORT = "register_export", _("Xuất sổ dữ liệu theo mẫu nhập (dữ liệu đầy đủ)")
    LIST_EXPORT = "list_export", _("Xuất danh sách có dữ liệu cá nhân đầy đủ")
    IMPORT_FILE = "import_file", _("Tải tệp nhập đã lưu")


class PersonalDataAccess(models.Model):
    """Access log for personal data (Decree 356/2025: who saw which person's data, when, and how)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người truy cập"), null=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    # Empty for an ID search that matched nobody (the attempt is logged, the searched number is not) and for a
    # disclosure of many persons at once (an export, a stored import file): ``count`` says how many and
    # ``subject`` what was disclosed.
    person = models.ForeignKey(Person, verbose_name=_("học viên"), on_delete=models.CASCADE, null=True, blank=True,
                               related_name="data_accesses")
    kind = models.CharField(_("nội dung"), max_length=20, choices=AccessKind.choices)
    count = models.PositiveIntegerField(_("số người"), default=1)
    subject = models.CharField(_("dữ liệu được truy cập"), max_length=255, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} · {self.person_id or self.subject} · {self.kind}"


class PersonMerge(models.Model):
    """Record of a duplicate person merged into another (the merged row itself is deleted)."""

    kept = models.ForeignKey(Person, verbose_name=_("hồ sơ giữ lại"), on_delete=models.CASCADE, related_name="merges")
    merged_person_id = models.PositiveBigIntegerField(_("mã hồ sơ đã gộp"))
    merged_name = models.CharField(_("họ tên hồ sơ đã gộp"), max_length=150)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True,
                           on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gộp hồ sơ trùng")
        verbose_name_plural = _("gộp hồ sơ trùng")

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.kept_id}"
