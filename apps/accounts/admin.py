from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "area", "department", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    list_select_related = ("area", "department")
    autocomplete_fields = ("area", "department")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Role and scope"), {"fields": ("role", "area", "department", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and scope"), {"fields": ("role", "area", "department")}),)
