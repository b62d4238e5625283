from django.contrib import admin

from .models import Area, Department, Grid


class GridInline(admin.StackedInline):
    model = Grid
    autocomplete_fields = ("chief", "full_time_worker", "part_time_workers", "instructor")
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "depth")
    inlines = [GridInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "area", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    autocomplete_fields = ("area",)
