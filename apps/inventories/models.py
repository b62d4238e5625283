"""Inventories 清单: versioned lists the system obeys.

An `Inventory` is one list of one kind for one area (county or township). It has
`Version`s: a draft is edited or imported, then published with an effective date; when a
later version takes effect the earlier one is superseded (its `superseded_on` is that
date). The version *in force* on a day is the published one whose effective date has come
and whose successor's has not. Drafts and superseded versions stay readable but are never
obeyed.

Who did what to a version (created, imported, edited, published, superseded) is kept in
`VersionEvent`, an append-only table like the case timeline.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.grids.models import Area

# Who manages lists (within their scope): dispatch centres, leaders (read), administrators.
MANAGER_ROLES = frozenset({Role.COUNTY_DISPATCHER, Role.TOWNSHIP_DISPATCHER, Role.LEADER, Role.ADMIN})
EDITOR_ROLES = frozenset({Role.COUNTY_DISPATCHER, Role.TOWNSHIP_DISPATCHER, Role.ADMIN})


class Kind(models.TextChoices):
    POWER = "power", _("Power and responsibility list")  # 权责清单
    ADMISSION = "admission", _("Community admission list")  # 社区事务准入清单
    CERTIFICATE = "certificate", _("Certificates not to be issued")  # 不应出具证明事项清单
    DUTY = "duty", _("Duty list")  # 履职清单
    REPORT = "report", _("Report list")  # 报到清单


class PowerKind(models.TextChoices):
    LICENSING = "licensing", _("licensing")  # 行政许可
    PENALTY = "penalty", _("penalty")  # 行政处罚
    COERCION = "coercion", _("coercive measure")  # 行政强制
    LEVY = "levy", _("levy")  # 行政征收
    PAYMENT = "payment", _("benefit payment")  # 行政给付
    INSPECTION = "inspection", _("inspection")  # 行政检查
    CONFIRMATION = "confirmation", _("confirmation")  # 行政确认
    AWARD = "award", _("award")  # 行政奖励
    RULING = "ruling", _("ruling")  # 行政裁决
    OTHER = "other", _("other power")  # 其他行政权力


class DutyKind(models.TextChoices):
    BY_LAW = "by_law", _("duty by law")  # 依法履职事项
    ASSISTING = "assisting", _("assisting the government")  # 依法协助政府事项
    NOT_UNDERTAKE = "not_undertake", _("not to undertake")  # 不应承担事项


class InventoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Lists a manager may open on the staff pages: those of areas in their scope's
        subtree and of its ancestors (a township reads its county's lists)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self.all()
        if user.role not in MANAGER_ROLES:
            return self.none()
        return self.filter(area__in=Area.objects.visible_to(user))

    def editable_by(self, user):
        """Lists a person may change: their own area's and those below it."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self.all()
        if user.role not in EDITOR_ROLES or user.scope_area is None:
            return self.none()
        return self.filter(area__path__startswith=user.scope_area.path)


class Inventory(models.Model):
    """One list of one kind for one county or township."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="inventories")
    title = models.CharField(_("title"), max_length=200)

    objects = InventoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inventory")
        verbose_name_plural = _("inventories")
        ordering = ["area__path", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "area"], name="inventory_one_per_kind_and_area")]

    def __str__(self):
        return self.title


class VersionQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Versions obeyed on the given day (today by default): at most one per list."""
        on = on or timezone.localdate()
        return self.filter(status__in=[Version.Status.PUBLISHED, Version.Status.SUPERSEDED],
                           effective_from__lte=on).filter(Q(superseded_on__isnull=True) | Q(superseded_on__gt=on))


class Version(models.Model):
    """One version of a list. Items of a published version are never changed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("superseded")

    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("list version")
        verbose_name_plural = _("list versions")
        ordering = ["inventory", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["inventory", "number"], name="version_unique_number"),
            models.CheckConstraint(condition=Q(status="draft") | Q(effective_from__isnull=False),
                                   name="version_published_has_date"),
        ]

    def __str__(self):
        return f"{self.inventory.title} v{self.number}"

    @property
    def label(self):
        return f"v{self.number}"

    def is_in_force(self, on=None):
        on = on or timezone.localdate()
        return (self.status != self.Status.DRAFT and self.effective_from <= on
                and (self.superseded_on is None or self.superseded_on > on))


class ImmutableError(Exception):
    pass


class VersionEvent(models.Model):
    """Append-only record of who did what to a version, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        IMPORTED = "imported", _("imported")
        EDITED = "edited", _("edited")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("superseded")

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("version events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("version events are append-only")


class Item(models.Model):
    """One row of a list. Which columns matter depends on the list's kind (see columns.py)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("item code"), max_length=40, blank=True)
    matter = models.CharField(_("matter"), max_length=300)
    # The matter folded for the duplicate check (case, width of spaces): unique per version.
    matter_key = models.CharField(max_length=300, editable=False)
    power_kind = models.CharField(_("kind of power"), max_length=20, choices=PowerKind.choices, blank=True)
    duty_kind = models.CharField(_("kind of duty"), max_length=20, choices=DutyKind.choices, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    department = models.ForeignKey("grids.Department", verbose_name=_("responsible department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    departments = models.ManyToManyField("grids.Department", verbose_name=_("departments that report"),
                                         through="ItemDepartment", related_name="+", blank=True)
    categories = models.ManyToManyField("cases.Category", verbose_name=_("case categories"),
                                        through="ItemCategory", related_name="+", blank=True)
    reason = models.TextField(_("reason"), blank=True)
    go_instead = models.TextField(_("where to go instead"), blank=True)
    # Certificates: words that identify a request for it in a case text (besides the matter).
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "matter_key"], name="item_unique_matter")]

    def __str__(self):
        return self.matter

    @staticmethod
    def key_of(matter):
        return " ".join((matter or "").split()).casefold()

    def save(self, *args, **kwargs):
        self.matter_key = self.key_of(self.matter)
        super().save(*args, **kwargs)


class ItemCategory(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE)
    category = models.ForeignKey("cases.Category", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "category"], name="item_category_unique")]


class ItemDepartment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE)
    department = models.ForeignKey("grids.Department", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "department"], name="item_department_unique")]


class Gate(models.TextChoices):
    ADMISSION = "admission", _("admission gate")
    REPORT = "report", _("report-list gate")


class GateOverride(models.Model):
    """A county dispatcher overrode a gate: who, when, why, against which version. Counted
    per area and gate (selectors.override_counts)."""

    gate = models.CharField(_("gate"), max_length=12, choices=Gate.choices)
    version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.PROTECT, related_name="overrides")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("cases.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    departments = models.CharField(_("departments"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    refusal = models.TextField(_("what the gate said"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("gate override")
        verbose_name_plural = _("gate overrides")
        ordering = ["-created_at"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("overrides are append-only")
        super().save(*args, **kwargs)


class ImportJob(models.Model):
    """An uploaded file on its way into a new draft version. A worker validates every row
    (progress is written as it goes) and applies all rows or none."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("checking rows")
        FAILED = "failed", _("refused: nothing applied")
        APPLIED = "applied", _("applied as a new draft")

    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self):
        if not self.total_rows:
            return 0 if self.status in (self.Status.QUEUED, self.Status.RUNNING) else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def finished(self):
        return self.status in (self.Status.FAILED, self.Status.APPLIED)
