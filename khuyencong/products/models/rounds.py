"""Selection rounds, councils, nominations, scores, results, decisions and certificates."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.lifecycle import LifecycleEvent, status_field
from khuyencong.core.models import TrackedModel


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Đang nhận hồ sơ")
    SCORING = "scoring", _("Đang chấm điểm")
    SCORING_CLOSED = "scoring_closed", _("Đã kết thúc chấm điểm")
    COUNCIL_APPROVED = "council_approved", _("Hội đồng đã thông qua")
    DECIDED = "decided", _("Đã có quyết định công nhận")


# Scores of other jurors become visible only once scoring is over (independence of jurors).
SCORES_PUBLIC_STATUSES = {RoundStatus.SCORING_CLOSED, RoundStatus.COUNCIL_APPROVED, RoundStatus.DECIDED}


class SelectionRound(TrackedModel):
    name = models.CharField(_("tên đợt bình chọn"), max_length=255)
    level = models.ForeignKey("products.RecognitionLevel", verbose_name=_("cấp"), on_delete=models.PROTECT,
                              related_name="rounds")
    organiser = models.ForeignKey("geo.AdministrativeUnit", verbose_name=_("địa bàn tổ chức"),
                                  on_delete=models.PROTECT, related_name="selection_rounds")
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2010)])
    plan_document_no = models.CharField(_("số kế hoạch"), max_length=100, blank=True)
    dossier_deadline = models.DateField(_("hạn nhận hồ sơ"))
    rule_set = models.ForeignKey("products.RuleSet", verbose_name=_("bộ quy tắc"), on_delete=models.PROTECT,
                                 related_name="rounds")
    quota = models.PositiveIntegerField(_("số sản phẩm tối đa được công nhận"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("đợt bình chọn")
        verbose_name_plural = _("đợt bình chọn")
        ordering = ["-year", "name"]
        constraints = [models.CheckConstraint(condition=Q(quota__isnull=True) | Q(quota__gt=0),
                                              name="round_quota_positive")]

    def __str__(self) -> str:
        return self.name


class RoundEvent(LifecycleEvent):
    """One row per status transition of a round (who, when, from, to, note)."""

    record_field = "round"
    round = models.ForeignKey(SelectionRound, verbose_name=_("đợt bình chọn"), on_delete=models.CASCADE,
                              related_name="events")
    from_status = status_field(_("từ trạng thái"), RoundStatus.choices, blank=True)
    to_status = status_field(_("sang trạng thái"), RoundStatus.choices)
    history = HistoricalRecords()

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("sự kiện đợt bình chọn")
        verbose_name_plural = _("sự kiện đợt bình chọn")


class Council(TrackedModel):
    round = models.OneToOneField(SelectionRound, verbose_name=_("đợt bình chọn"), on_delete=models.CASCADE,
                                 related_name="council")
    name = models.CharField(_("tên hội đồng"), max_length=255)
    decision_no = models.CharField(_("quyết định thành lập"), max_length=100, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("hội đồng bình chọn")
        verbose_name_plural = _("hội đồng bình chọn")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch")
    VICE_CHAIR = "vice_chair", _("Phó chủ tịch")
    MEMBER = "member", _("Ủy viên")
    SECRETARY = "secretary", _("Thư ký")
    JUROR = "juror", _("Giám khảo")


class CouncilMember(TrackedModel):
    council = models.ForeignKey(Council, verbose_name=_("hội đồng"), on_delete=models.CASCADE,
                                related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.PROTECT,
                             related_name="council_memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices)
    title = models.CharField(_("chức danh"), max_length=200, blank=True)
    # A seat is never deleted (its score sheets keep their author): a removed or replaced member is marked
    # here, leaves every count and total, and the secretary reads who replaced whom and why.
    removed_on = models.DateField(_("ngày rời hội đồng"), null=True, blank=True)
    removal_reason = models.CharField(_("lý do rời hội đồng"), max_length=500, blank=True)
    replaced_by = models.ForeignKey("self", verbose_name=_("người thay thế"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaces")
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="council_member_unique"),
            # One chair and one secretary per council (Circular 26/2014 Art. 11): the service checks under
            # the council's row lock; these hold the rule for any writer.
            models.UniqueConstraint(fields=["council"], condition=Q(role=MemberRole.CHAIR, removed_on__isnull=True),
                                    name="council_one_chair", violation_error_message=_("Hội đồng đã có chủ tịch.")),
            models.UniqueConstraint(fields=["council"],
                                    condition=Q(role=MemberRole.SECRETARY, removed_on__isnull=True),
                                    name="council_one_secretary", violation_error_message=_("Hội đồng đã có thư ký.")),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp hồ sơ")
    RECOGNISED = "recognised", _("Được công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không được công nhận")


class Nomination(TrackedModel):
    round = models.ForeignKey(SelectionRound, verbose_name=_("đợt bình chọn"), on_delete=models.PROTECT,
                              related_name="nominations")
    product = models.ForeignKey("products.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT,
                                related_name="nominations")
    selection_code = models.CharField(_("mã số bình chọn"), max_length=30, blank=True)
    submitted_on = models.DateField(_("ngày nộp hồ sơ"))
    registration_form_no = models.CharField(_("số phiếu đăng ký"), max_length=50, blank=True)
    # The establishment attests that it makes the product itself (Circular 26/2014 Art. 4).
    made_by_establishment = models.BooleanField(_("do cơ sở tự sản xuất"), default=False)
    dossier_note = models.TextField(_("thuyết minh hồ sơ"), blank=True, validators=[MaxLengthValidator(8000)])
    # The lower-level certificate that qualified the entry, when the level requires one.
    lower_certificate = models.ForeignKey("products.Certificate", verbose_name=_("chứng nhận cấp dưới"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    eligibility = models.JSONField(_("kết quả kiểm tra điều kiện"), default=list, blank=True)
    # What the jurors of this round see: the product's documents when the dossier was filed (id, kind, title,
    # SHA-256), so a later replacement in the living dossier never changes what this round judged.
    dossier_snapshot = models.JSONField(_("hồ sơ tại thời điểm nộp"), default=list, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=NominationStatus.choices,
                              default=NominationStatus.SUBMITTED)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("hồ sơ tham gia bình chọn")
        verbose_name_plural = _("hồ sơ tham gia bình chọn")
        ordering = ["selection_code", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "product"], name="nomination_unique")]

    def __str__(self) -> str:
        return f"{self.selection_code} {self.product}"


class ConflictDeclaration(TrackedModel):
    """A juror's declared conflict of interest: the juror is recused from that nomination."""

    member = models.ForeignKey(CouncilMember, verbose_name=_("giám khảo"), on_delete=models.CASCADE,
                               related_name="conflicts")
    nomination = models.ForeignKey(Nomination, verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                   related_name="conflicts")
    reason = models.CharField(_("lý do"), max_length=500)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("khai báo xung đột lợi ích")
        verbose_name_plural = _("khai báo xung đột lợi ích")
        constraints = [models.UniqueConstraint(fields=["member", "nomination"], name="conflict_unique")]

    def __str__(self) -> str:
        return f"{self.member} ≠ {self.nomination}"


class Score(TrackedModel):
    nomination = models.ForeignKey(Nomination, verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                   related_name="scores")
    member = models.ForeignKey(CouncilMember, verbose_name=_("giám khảo"), on_delete=models.PROTECT,
                               related_name="scores")
    criterion = models.ForeignKey("products.Criterion", verbose_name=_("tiêu chí"), on_delete=models.PROTECT,
                                  related_name="scores")
    points = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("điểm chấm")
        verbose_name_plural = _("điểm chấm")
        constraints = [
            models.UniqueConstraint(fields=["member", "nomination", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.criterion_id} = {self.points}"


class Result(models.Model):
    nomination = models.OneToOneField(Nomination, verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                      related_name="result")
    combined_score = models.DecimalField(_("điểm tổng hợp"), max_digits=6, decimal_places=2)
    juror_count = models.PositiveSmallIntegerField(_("số giám khảo chấm"))
    rank_in_group = models.PositiveSmallIntegerField(_("thứ hạng trong nhóm"))
    passed_mark = models.BooleanField(_("đạt điểm"))
    within_quota = models.BooleanField(_("trong chỉ tiêu"))
    tie_at_quota = models.BooleanField(_("đồng điểm tại ngưỡng chỉ tiêu"), default=False)
    proposed = models.BooleanField(_("đề nghị công nhận"))
    approved = models.BooleanField(_("hội đồng thông qua"), default=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả bình chọn")
        verbose_name_plural = _("kết quả bình chọn")
        ordering = ["-combined_score", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.combined_score}"


class RecognitionDecision(TrackedModel):
    round = models.OneToOneField(SelectionRound, verbose_name=_("đợt bình chọn"), on_delete=models.PROTECT,
                                 related_name="decision")
    number = models.CharField(_("số quyết định"), max_length=100)
    decided_on = models.DateField(_("ngày quyết định"))
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")

    def __str__(self) -> str:
        return self.number


class Certificate(TrackedModel):
    decision = models.ForeignKey(RecognitionDecision, verbose_name=_("quyết định"), on_delete=models.PROTECT,
                                 related_name="certificates")
    nomination = models.OneToOneField(Nomination, verbose_name=_("hồ sơ"), on_delete=models.PROTECT,
                                      related_name="certificate")
    product = models.ForeignKey("products.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT,
                                related_name="certificates")
    number = models.CharField(_("số chứng nhận"), max_length=120, unique=True)
    level = models.ForeignKey("products.RecognitionLevel", verbose_name=_("cấp"), on_delete=models.PROTECT,
                              related_name="certificates")
    year = models.PositiveSmallIntegerField(_("năm"))
    issued_on = models.DateField(_("ngày cấp"))
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    revoked = models.BooleanField(_("đã thu hồi"), default=False)
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revocation_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                                   name="certificate_validity_ordered"),
        ]

    def __str__(self) -> str:
        return self.number
