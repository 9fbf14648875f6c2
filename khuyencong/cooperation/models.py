"""International cooperation: partners, agreements, joint activities and the officials taking part."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import Dated, TrackedModel
from khuyencong.establishments.validators import validate_plain_text


class Partner(TrackedModel):
    """A foreign partner, e.g. the Sanjo Chamber of Commerce and Industry (Japan)."""

    name = models.CharField(_("tên đối tác"), max_length=255, validators=[validate_plain_text])
    country = models.CharField(_("quốc gia"), max_length=100, validators=[validate_plain_text])
    city = models.CharField(_("thành phố"), max_length=100, blank=True, validators=[validate_plain_text])
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("đối tác quốc tế")
        verbose_name_plural = _("đối tác quốc tế")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="partner_name_country_unique",
                                    violation_error_message=_("Đối tác này đã có trong hệ thống.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Agreement(TrackedModel, Dated):
    partner = models.ForeignKey(Partner, verbose_name=_("đối tác"), on_delete=models.PROTECT,
                                related_name="agreements")
    title = models.CharField(_("tên thỏa thuận"), max_length=255, validators=[validate_plain_text])
    signed_on = models.DateField(_("ngày ký"))
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("thỏa thuận hợp tác")
        verbose_name_plural = _("thỏa thuận hợp tác")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="agreement_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityKind(models.TextChoices):
    COURSE_IN_PROVINCE = "course_in_province", _("Lớp đào tạo tổ chức tại tỉnh")
    COURSE_ABROAD = "course_abroad", _("Lớp đào tạo ở nước ngoài")
    STUDY_TOUR = "study_tour", _("Khảo sát, học tập kinh nghiệm")
    WORKSHOP = "workshop", _("Hội thảo")


class Activity(TrackedModel):
    partner = models.ForeignKey(Partner, verbose_name=_("đối tác"), on_delete=models.PROTECT,
                                related_name="activities")
    agreement = models.ForeignKey(Agreement, verbose_name=_("thỏa thuận"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("loại hoạt động"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("tên hoạt động"), max_length=255, validators=[validate_plain_text])
    # Area rule: the organising unit, not the venue: a course in Sanjo belongs to the province.
    organising_unit = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("địa bàn tổ chức (tỉnh hoặc xã)"), on_delete=models.PROTECT,
        related_name="+",
    )
    venue_unit = models.ForeignKey("geo.AdministrativeUnit", verbose_name=_("địa điểm (trong nước)"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    abroad_country = models.CharField(_("nước"), max_length=100, blank=True, validators=[validate_plain_text])
    abroad_city = models.CharField(_("thành phố (nước ngoài)"), max_length=100, blank=True,
                                   validators=[validate_plain_text])
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("hoạt động hợp tác quốc tế")
        verbose_name_plural = _("hoạt động hợp tác quốc tế")
        indexes = [models.Index(fields=["start_date", "organising_unit"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="activity_dates_ordered"),
            models.CheckConstraint(condition=Q(venue_unit__isnull=True) | Q(abroad_country=""),
                                   name="activity_venue_domestic_or_abroad"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityParticipant(TrackedModel):
    """An official's participation (lượt) in an activity; one per person and activity."""

    activity = models.ForeignKey(Activity, verbose_name=_("hoạt động"), on_delete=models.CASCADE,
                                 related_name="participants")
    person = models.ForeignKey("training.Person", verbose_name=_("cán bộ, công chức, viên chức"),
                               on_delete=models.PROTECT, related_name="cooperation_participations")
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("người tham gia hoạt động hợp tác")
        verbose_name_plural = _("người tham gia hoạt động hợp tác")
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="activity_participant_unique",
                                    violation_error_message=_("Người này đã có trong danh sách tham gia.")),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"
