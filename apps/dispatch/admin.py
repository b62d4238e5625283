"""Admin of the dispatch app: directive channels are defined here (admin-defined others
beside the four seeded); hotline deliveries and whistles can be inspected."""
from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .directive_models import DirectiveChannel
from .escalation_models import Escalation
from .hotline_models import WebhookDelivery
from .whistle_models import Summons, Whistle


@admin.register(DirectiveChannel)
class DirectiveChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active", "ordering"]
    list_editable = ["is_active", "ordering"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Read-only: what reached the 12345 hotline and what did not."""

    list_display = ["case", "event", "status", "attempts", "last_status_code", "last_error", "last_attempt_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SummonsInline(admin.TabularInline):
    model = Summons
    extra = 0
    can_delete = False
    readonly_fields = ["department", "due_at", "reported_at", "late", "missed_at", "timeliness", "cooperation",
                       "professionalism"]
    fields = readonly_fields


@admin.register(Whistle)
class WhistleAdmin(admin.ModelAdmin):
    list_display = ["case", "unit", "blown_at", "by_escalation"]
    inlines = [SummonsInline]
    readonly_fields = ["case", "unit", "blown_by", "by_escalation", "note", "report_hours", "blown_at"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    """Read-only: the sweep writes these (one per case and missed deadline); editing one
    would break the exactly-once record, so nobody may add, change or delete here."""

    list_display = ["case", "from_level", "to_level", "from_area", "to_area", "missed_deadline", "new_deadline",
                    "at_top", "at"]
    list_filter = ["from_level", "to_level", "at_top"]
    search_fields = ["case__number"]
    date_hierarchy = "at"
    list_select_related = ["case", "from_area", "to_area"]
    readonly_fields = [f.name for f in Escalation._meta.fields]
