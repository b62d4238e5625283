from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Case, CaseEvent, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "default_level", "hours_grid", "hours_village", "hours_township",
                    "hours_county", "is_active")
    list_filter = ("default_level", "is_active")
    search_fields = ("code", "name")
    list_editable = ("default_level", "hours_grid", "hours_village", "hours_township", "hours_county", "is_active")


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("created_at", "action", "actor", "from_status", "to_status", "level", "unit", "department", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: cases change only through the workflow services, never by editing rows."""

    list_display = ("number", "title", "status", "category", "area", "level", "created_at")
    list_filter = ("status", "level", "channel")
    search_fields = ("number", "title")
    list_select_related = ("category", "area")
    # Personal data is shown only through the logged reveal on the case page, not here.
    exclude = ("reporter_name", "reporter_phone", "access_code")
    inlines = [EventInline]
