"""People: every user has one role and one scope (an area node, or a department)."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    VILLAGE_CADRE = "village_cadre", _("village cadre")
    TOWNSHIP_DISPATCHER = "township_dispatcher", _("township dispatcher")
    COUNTY_DISPATCHER = "county_dispatcher", _("county dispatcher")
    DEPARTMENT_OFFICIAL = "department_official", _("department official")
    MEDIATOR = "mediator", _("mediator")
    LEADER = "leader", _("leader")
    ADMIN = "admin", _("administrator")


DISPATCHER_ROLES = frozenset({Role.TOWNSHIP_DISPATCHER, Role.COUNTY_DISPATCHER})
AREA_ROLES = frozenset(set(Role) - {Role.DEPARTMENT_OFFICIAL, Role.ADMIN})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.GRID_WORKER)
    area = models.ForeignKey(
        "grids.Area", verbose_name=_("area scope"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        "grids.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="department_official") | models.Q(department__isnull=False),
                name="department_official_has_department",
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == Role.DEPARTMENT_OFFICIAL and not self.department_id:
            raise ValidationError({"department": _("A department official needs a department.")})
        if self.role in AREA_ROLES and not self.area_id and not self.is_superuser:
            raise ValidationError({"area": _("This role needs an area scope.")})

    @property
    def display_name(self):
        return (self.last_name + self.first_name) or self.username

    @property
    def sees_everything(self):
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_dispatcher(self):
        return self.role in DISPATCHER_ROLES

    @property
    def scope_area(self):
        """The area whose subtree this person works in (a department's official: the
        department's area, used for reference data, never for cases)."""
        if self.area_id:
            return self.area
        if self.department_id:
            return self.department.area
        return None

    def home_url(self):
        if self.role == Role.GRID_WORKER:
            return reverse("cases:mine")
        if self.role in DISPATCHER_ROLES:
            return reverse("dispatch:queue")
        if self.role == Role.DEPARTMENT_OFFICIAL:
            return reverse("dispatch:tickets")
        if self.role == Role.LEADER:
            return reverse("insights:dashboard")
        if self.sees_everything and self.is_staff:
            return reverse("admin:index")
        return reverse("cases:list")
