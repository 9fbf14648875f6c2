"""Trade fairs and exhibitions (hội chợ triển lãm), participations, showrooms and introduction points.

A participation (lượt) is one establishment at one fair; the indicator ``fairs.participations`` counts
them, and distinct establishments are counted separately (docs/architecture.md §2 "persons vs participations").
E-commerce listing support is a participation kind so that it is counted apart from fair booths.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.core.models import TrackedModel
from khuyencong.establishments.validators import validate_plain_text

NON_NEGATIVE_VND = MinValueValidator(0, message=_("Số tiền (VND) không được âm."))
NON_NEGATIVE_COUNT = MinValueValidator(0, message=_("Số lượng không được âm."))


class FairScope(models.TextChoices):
    PROVINCIAL = "provincial", _("Cấp tỉnh")
    REGIONAL = "regional", _("Cấp vùng, khu vực")
    NATIONAL = "national", _("Cấp quốc gia")
    INTERNATIONAL = "international", _("Quốc tế")


class ParticipationKind(models.TextChoices):
    FAIR = "fair", _("Tham gia hội chợ, triển lãm")
    ECOMMERCE_LISTING = "ecommerce_listing", _("Hỗ trợ đưa sản phẩm lên sàn thương mại điện tử")


class Fair(TrackedModel):
    """One fair or exhibition (or a promotion programme such as an e-commerce listing campaign)."""

    name = models.CharField(_("tên hội chợ, triển lãm"), max_length=255, validators=[validate_plain_text])
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255, validators=[validate_plain_text])
    scope = models.CharField(_("quy mô"), max_length=20, choices=FairScope.choices)
    # Venue: an administrative unit at home (any level, the version in force on the start date),
    # or abroad a country and a city; exactly one of the two (constraint below).
    venue_unit = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("địa điểm (đơn vị hành chính)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    venue_country = models.CharField(_("quốc gia (nếu ở nước ngoài)"), max_length=100, blank=True,
                                     validators=[validate_plain_text])
    venue_city = models.CharField(_("thành phố (nếu ở nước ngoài)"), max_length=100, blank=True,
                                  validators=[validate_plain_text])
    venue_detail = models.CharField(_("địa điểm cụ thể"), max_length=255, blank=True, validators=[validate_plain_text])
    start_date = models.DateField(_("ngày khai mạc"))
    end_date = models.DateField(_("ngày bế mạc"))
    # The extension scheme that supports the fair (booth support is paid under it); optional.
    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("đề án khuyến công"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="fairs")
    support_policy = models.TextField(_("chính sách hỗ trợ"), blank=True, validators=[MaxLengthValidator(4000)])
    # Booth support per establishment (e.g. 80 % of booth rent at domestic fairs, 2014–2018 joint circular).
    booth_support_vnd = models.BigIntegerField(_("hỗ trợ gian hàng mỗi cơ sở (VND)"), default=0,
                                               validators=[NON_NEGATIVE_VND])
    cancelled = models.BooleanField(_("đã hủy"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("hội chợ, triển lãm")
        verbose_name_plural = _("hội chợ, triển lãm")
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["start_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="fair_dates_ordered",
                                   violation_error_message=_("Ngày bế mạc không được trước ngày khai mạc.")),
            models.CheckConstraint(condition=Q(booth_support_vnd__gte=0), name="fair_booth_support_non_negative"),
            models.CheckConstraint(
                condition=(Q(venue_unit__isnull=False, venue_country="", venue_city="")
                           | (Q(venue_unit__isnull=True) & ~Q(venue_country="") & ~Q(venue_city=""))),
                name="fair_venue_home_xor_abroad",
                violation_error_message=_(
                    "Chọn đơn vị hành chính nơi tổ chức, hoặc nếu ở nước ngoài thì nhập quốc gia và thành phố."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_abroad(self) -> bool:
        return self.venue_unit_id is None

    @property
    def venue_label(self) -> str:
        if self.venue_unit_id is None:
            return f"{self.venue_city}, {self.venue_country}"
        return self.venue_unit.name if self.venue_unit else ""


class FairParticipation(TrackedModel):
    """One establishment at one fair (one lượt). Outcomes stay empty (NULL) until reported."""

    fair = models.ForeignKey(Fair, verbose_name=_("hội chợ, triển lãm"), on_delete=models.PROTECT,
                             related_name="participations")
    establishment = models.ForeignKey("establishments.Establishment", verbose_name=_("cơ sở CNNT"),
                                      on_delete=models.PROTECT, related_name="fair_participations")
    kind = models.CharField(_("hình thức"), max_length=20, choices=ParticipationKind.choices,
                            default=ParticipationKind.FAIR)
    platform = models.CharField(_("sàn thương mại điện tử"), max_length=100, blank=True,
                                validators=[validate_plain_text])
    booths = models.PositiveSmallIntegerField(_("số gian hàng"), default=1, validators=[NON_NEGATIVE_COUNT])
    # Products of the establishment's register (products app) shown at the fair; ``products_shown`` keeps
    # the names of products that are not in the register (free text, one name per item).
    products = models.ManyToManyField("products.Product", verbose_name=_("sản phẩm trong danh mục"), blank=True,
                                      related_name="fair_participations")
    products_shown = models.JSONField(_("sản phẩm khác (chưa có trong danh mục)"), default=list, blank=True)
    support_vnd = models.BigIntegerField(_("kinh phí hỗ trợ (VND)"), default=0, validators=[NON_NEGATIVE_VND])
    contracts_signed = models.PositiveIntegerField(_("số hợp đồng, biên bản ghi nhớ"), null=True, blank=True,
                                                   validators=[NON_NEGATIVE_COUNT])
    sales_vnd = models.BigIntegerField(_("doanh số bán hàng (VND)"), null=True, blank=True,
                                       validators=[NON_NEGATIVE_VND])
    new_distributors = models.PositiveIntegerField(_("số nhà phân phối mới"), null=True, blank=True,
                                                   validators=[NON_NEGATIVE_COUNT])
    # A withdrawn registration is kept for the record but never counted (the catalogue rules, "dropped").
    withdrawn = models.BooleanField(_("đã rút, không tham gia"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(2000)])
    # m2m_fields: which registered products were shown is audited like the other fields.
    history = HistoricalRecords(excluded_fields=["updated_at", "version"], m2m_fields=[products])

    class Meta:
        verbose_name = _("lượt tham gia hội chợ")
        verbose_name_plural = _("lượt tham gia hội chợ")
        ordering = ["fair", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "establishment"], name="fair_participation_once_per_fair",
                violation_error_message=_("Cơ sở này đã được đăng ký tham gia hội chợ này."),
            ),
            models.CheckConstraint(condition=Q(support_vnd__gte=0), name="fair_participation_support_non_negative"),
            models.CheckConstraint(condition=Q(sales_vnd__isnull=True) | Q(sales_vnd__gte=0),
                                   name="fair_participation_sales_non_negative"),
            models.CheckConstraint(
                condition=(Q(kind=ParticipationKind.FAIR, platform="")
                           | (Q(kind=ParticipationKind.ECOMMERCE_LISTING) & ~Q(platform=""))),
                name="fair_participation_platform_iff_ecommerce",
                violation_error_message=_("Chỉ nhập sàn thương mại điện tử (và bắt buộc nhập) khi hình thức là "
                                          "hỗ trợ đưa sản phẩm lên sàn thương mại điện tử."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} @ {self.fair}"

    @property
    def has_outcomes(self) -> bool:
        return any(v is not None for v in (self.contracts_signed, self.sales_vnd, self.new_distributors))

    @property
    def product_names(self) -> list[str]:
        """Registered products (prefetched by the selectors) first, then the free-text names."""
        return [p.name for p in self.products.all()] + list(self.products_shown or [])


class Showroom(TrackedModel):
    """A showroom or introduction point (điểm giới thiệu, trưng bày sản phẩm CNNT)."""

    name = models.CharField(_("tên điểm giới thiệu sản phẩm"), max_length=255, validators=[validate_plain_text])
    location_unit = models.ForeignKey("geo.AdministrativeUnit", verbose_name=_("địa bàn"),
                                      on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True, validators=[validate_plain_text])
    operator = models.CharField(_("đơn vị vận hành"), max_length=255, validators=[validate_plain_text])
    opened_on = models.DateField(_("hoạt động từ"))
    closed_on = models.DateField(_("hoạt động đến"), null=True, blank=True)
    scheme = models.ForeignKey("schemes.Scheme", verbose_name=_("đề án khuyến công"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="showrooms")
    notes = models.TextField(_("ghi chú"), blank=True, validators=[MaxLengthValidator(2000)])
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("điểm giới thiệu, trưng bày sản phẩm")
        verbose_name_plural = _("điểm giới thiệu, trưng bày sản phẩm")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="showroom_period_ordered",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShowroomDisplay(TrackedModel):
    """An establishment's products on display at a showroom for a period."""

    showroom = models.ForeignKey(Showroom, verbose_name=_("điểm giới thiệu sản phẩm"), on_delete=models.PROTECT,
                                 related_name="displays")
    establishment = models.ForeignKey("establishments.Establishment", verbose_name=_("cơ sở CNNT"),
                                      on_delete=models.PROTECT, related_name="showroom_displays")
    # Free text until the products app lands; meant to become links to typical products.
    products = models.JSONField(_("sản phẩm trưng bày"), default=list, blank=True)
    displayed_from = models.DateField(_("trưng bày từ"))
    displayed_to = models.DateField(_("trưng bày đến"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("sản phẩm trưng bày tại điểm giới thiệu")
        verbose_name_plural = _("sản phẩm trưng bày tại điểm giới thiệu")
        ordering = ["showroom", "displayed_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(displayed_to__isnull=True) | Q(displayed_to__gte=models.F("displayed_from")),
                name="showroom_display_period_ordered",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
            models.UniqueConstraint(
                fields=["showroom", "establishment", "displayed_from"], name="showroom_display_unique_start",
                violation_error_message=_("Cơ sở này đã có đợt trưng bày bắt đầu cùng ngày tại điểm này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} @ {self.showroom}"
