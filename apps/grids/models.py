"""The area tree: county → township/street → village/community → grid (→ unit).

Subtree queries use a materialized path (`path`, e.g. "000001.000007.000042."), so
"everything under this township" is one indexed `path LIKE '000001.000007.%'` — no
recursion in Python. On PostgreSQL Django adds a varchar_pattern_ops index for it.
"""
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

PATH_STEP = 6


def county_path(area):
    """The path prefix of the county an area belongs to."""
    return area.path[: PATH_STEP + 1]


class Level(models.IntegerChoices):
    COUNTY = 1, _("county/district")
    TOWNSHIP = 2, _("township/street")
    VILLAGE = 3, _("village/community")
    GRID = 4, _("grid")
    UNIT = 5, _("unit")


class AreaQuerySet(models.QuerySet):
    def subtree(self, node):
        """The node and everything below it."""
        return self.filter(path__startswith=node.path)

    def visible_to(self, user):
        """Areas a person may see: their scope's subtree and its ancestors (for breadcrumbs)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self.all()
        scope = user.scope_area
        if scope is None:
            return self.none()
        ancestor_paths = [scope.path[: i * (PATH_STEP + 1)] for i in range(1, scope.depth + 1)]
        return self.filter(models.Q(path__startswith=scope.path) | models.Q(path__in=ancestor_paths))


class Area(models.Model):
    """One administrative node. `code` is the administrative division code (行政区划代码)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=1)
    # GeoJSON Polygon/MultiPolygon in WGS-84, and its bounding box for an indexed pre-filter.
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    min_lng = models.FloatField(null=True, blank=True, editable=False)
    max_lng = models.FloatField(null=True, blank=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "min_lat", "max_lat"], name="area_bbox_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, level=Level.COUNTY) | models.Q(parent__isnull=False),
                name="area_only_county_is_root",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .geo import bbox_of

        self.min_lng, self.min_lat, self.max_lng, self.max_lat = bbox_of(self.boundary)
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)  # the path is made of the primary key
                self.path = self._compute_path()
                self.depth = self.path.count(".")
                super().save(update_fields=["path", "depth"])
                return
            old_path = Area.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
            if self.parent_id and old_path and self.parent.path.startswith(old_path):
                raise ValueError("an area cannot be moved under itself")
            self.path = self._compute_path()
            self.depth = self.path.count(".")
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path, self.path)

    def _compute_path(self):
        own = f"{self.pk:0{PATH_STEP}d}."
        return (self.parent.path if self.parent_id else "") + own

    def _move_descendants(self, old_path, new_path):
        # One UPDATE rewrites every descendant's prefix.
        Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1)),
            depth=F("depth") + (new_path.count(".") - old_path.count(".")),
        )

    def ancestors(self):
        """Ancestors from the county down, without self — one query."""
        paths = [self.path[: i * (PATH_STEP + 1)] for i in range(1, self.depth)]
        return Area.objects.filter(path__in=paths).order_by("depth")

    def ancestor_at(self, level):
        if self.level == level:
            return self
        if self.level < level:
            return None
        return self.ancestors().filter(level=level).first()

    def is_within(self, other):
        return self.path.startswith(other.path)


class Grid(models.Model):
    """What a grid (网格) carries beyond its place in the tree, including its team 一长三员:
    grid chief 网格长, full-time worker 专职网格员, part-time workers 兼职网格员, instructor 网格指导员."""

    class Kind(models.TextChoices):
        URBAN = "urban", _("urban")
        RURAL = "rural", _("rural")

    area = models.OneToOneField(Area, primary_key=True, on_delete=models.CASCADE, related_name="grid")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.RURAL)
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    chief = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("grid chief"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="chief_of_grids",
    )
    full_time_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("full-time grid worker"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="worker_of_grids",
    )
    part_time_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("part-time grid workers"), blank=True,
        related_name="part_time_of_grids",
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("grid instructor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="instructor_of_grids",
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")

    def __str__(self):
        return self.area.name


class Department(models.Model):
    """A functional department 职能部门, belonging to a county or township node."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30, unique=True)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="departments")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="department_unique_name_in_area")]

    def __str__(self):
        return self.name
