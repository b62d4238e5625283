"""Cases 群众诉求/事件, their categories, immutable timeline and photos."""
from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from apps.accounts.models import Role
from apps.grids.models import Level

from .workflow import OPEN_STATUSES, Status


class Category(models.Model):
    """Two-level taxonomy 事项分类. Leaf categories carry the default handling level
    (微事不出格、小事不出村、大事不出乡) and a time limit, in working hours, per level."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    default_level = models.PositiveSmallIntegerField(
        _("default handling level"), choices=[(v, l) for v, l in Level.choices if v <= Level.GRID],
        default=Level.VILLAGE,
    )
    hours_grid = models.PositiveIntegerField(_("time limit at grid (working hours)"), default=8)
    hours_village = models.PositiveIntegerField(_("time limit at village (working hours)"), default=16)
    hours_township = models.PositiveIntegerField(_("time limit at township (working hours)"), default=24)
    hours_county = models.PositiveIntegerField(_("time limit at county (working hours)"), default=40)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def hours_for(self, level):
        return {
            Level.GRID: self.hours_grid,
            Level.VILLAGE: self.hours_village,
            Level.TOWNSHIP: self.hours_township,
            Level.COUNTY: self.hours_county,
        }[Level(level)]


class Channel(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker report")
    HOTLINE = "hotline", _("12345 hotline")
    RESIDENT_WEB = "resident_web", _("resident self-report")
    WINDOW = "window", _("service window")
    PATROL = "patrol", _("patrol")
    BUREAU_CHIEF = "bureau_chief", _("stationed bureau chief")
    LEADER = "leader", _("leader instruction")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    CRITICAL = "critical", _("critical")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASIC = "basic", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class RatingSource(models.TextChoices):
    RESIDENT = "resident", _("resident online")
    CALLBACK = "callback", _("phone callback")


class AnyOf(models.Expression):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL: there
    the subquery runs once and the column's index finds the rows, so an OR of several such
    arms becomes a BitmapOr of index scans instead of a filter tested on every row."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, column, subquery):
        super().__init__()
        self.column, self.subquery = column, subquery

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs):
        self.column, self.subquery = exprs

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        sub_sql, sub_params = compiler.compile(self.subquery)
        if not sub_sql.startswith("("):
            sub_sql = f"({sub_sql})"
        if connection.vendor == "postgresql":
            return f"{column_sql} = ANY(ARRAY{sub_sql})", (*column_params, *sub_params)
        return f"{column_sql} IN {sub_sql}", (*column_params, *sub_params)


def in_area_subtree(area):
    """Cases filed in `area`'s subtree. Below a county (a small part of the table) the
    subtree's area ids are looked up first and the open-cases-by-area index finds their
    cases; for a whole county (most of the table) testing the joined area's path on each
    row, while walking an index in page order, is cheaper (the planner cannot know how many
    ids ANY(ARRAY(...)) holds, so it would sort every case of the county)."""
    from apps.grids.models import Area

    if area.level <= Level.COUNTY:
        return Q(area__path__startswith=area.path)
    return AnyOf(F("area_id"), Subquery(Area.objects.filter(path__startswith=area.path).values("pk")))


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All case scoping, once: the area subtree of the person's scope, cases they filed,
        cases their department holds a ticket on, and cases granted by django-guardian."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        granted = CaseUserObjectPermission.objects.filter(user=user, permission__codename="view_case")
        condition = AnyOf(F("pk"), Subquery(granted.values("content_object_id")))
        if user.role == Role.DEPARTMENT_OFFICIAL:
            from apps.dispatch.models import Ticket

            condition |= Exists(Ticket.objects.filter(case=OuterRef("pk"), department_id=user.department_id))
        elif user.area_id:
            condition |= in_area_subtree(user.area) | Q(created_by=user)
        return self.filter(condition)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Case(models.Model):
    """A resident's request or an incident, from filing to rating."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    access_code = models.CharField(_("resident access code"), max_length=8, editable=False)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.GRID_WORKER)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    reporter_name = models.CharField(_("reporter name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The grid the case happened in; the area tree scopes the case through it.
    area = models.ForeignKey(
        "grids.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="cases"
    )
    level = models.PositiveSmallIntegerField(_("handling level"), choices=Level.choices)
    handling_area = models.ForeignKey(
        "grids.Area", verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="handled_cases"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="filed_cases"
    )
    created_at = models.DateTimeField(_("filed at"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The deadline was computed for a year whose official holiday schedule is not known yet.
    deadline_provisional = models.BooleanField(_("provisional deadline"), default=False)
    # 返工: how often verification failed or a resident was dissatisfied.
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Set while a department's extension request waits for the dispatcher.
    extension_requested_hours = models.PositiveIntegerField(_("extension requested (hours)"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="duplicates",
    )
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True)
    satisfaction_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rating_source = models.CharField(_("rated through"), max_length=20, choices=RatingSource.choices, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # The id a linked system (the 12345 hotline) gave the case; unique per source.
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True, unique=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="case_status_created_idx"),
            # The escalation sweep reads only open cases past their deadline: this partial
            # index holds open cases alone, so the sweep's cost follows them, not the table.
            models.Index(fields=["deadline"], condition=Q(status__in=sorted(OPEN_STATUSES)),
                         name="case_open_deadline_idx"),
            # The dispatcher's queue, its counts by state and "open only" lists read open
            # cases alone (a few percent of the table), oldest or newest first; the included
            # columns are what their scope and filters test, so counts can stay in the index.
            models.Index(fields=["created_at", "id"], condition=Q(status__in=sorted(OPEN_STATUSES)),
                         include=["status", "area", "created_by", "category", "channel", "urgency"],
                         name="case_open_created_idx"),
            # The same open cases by area, so a dispatcher's subtree picks its own out by index.
            models.Index(fields=["area"], condition=Q(status__in=sorted(OPEN_STATUSES)),
                         name="case_open_area_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def extension_pending(self):
        return self.extension_requested_hours is not None

    @property
    def is_overdue(self):
        from django.utils import timezone

        return self.deadline is not None and self.status in OPEN_STATUSES and self.deadline < timezone.now()


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian grant on one case (direct foreign key: cheap to join in visible_to)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseNumberCounter(models.Model):
    """Per area-and-day sequence behind case numbers. Incremented inside the filing
    transaction, so a rolled-back filing gives its number back: no gaps, no duplicates."""

    prefix = models.CharField(max_length=30, unique=True)
    last = models.PositiveIntegerField(default=0)


class ImmutableError(Exception):
    pass


class CaseEvent(models.Model):
    """One immutable line of a case's timeline: who, when, from → to, level, unit, note."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    unit = models.ForeignKey("grids.Area", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "grids.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("timeline events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("timeline events are immutable")


def photo_path(instance, filename):
    return f"cases/{instance.case_id}/{filename}"


class CasePhoto(models.Model):
    """A photo re-encoded on upload (EXIF and GPS stripped), with a thumbnail."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="photos")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BEFORE)
    image = models.ImageField(_("image"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    original_name = models.CharField(_("original file name"), max_length=120, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]


class PersonalDataReveal(models.Model):
    """One showing of a reporter's unmasked name/phone to a member of staff (audit)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    via = models.CharField(max_length=10, default="web")

    class Meta:
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")
        ordering = ["-at"]
