"""Reference-data admin. Edits of list contents go through the staff pages (services), so
here lists are opened and history is read; versions and overrides are read-only."""
from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import GateOverride, ImportJob, Inventory, Version, VersionEvent


@admin.register(Inventory)
class InventoryAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "area"]
    list_filter = ["kind"]
    search_fields = ["title", "area__name"]
    raw_id_fields = ["area"]


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ["inventory", "number", "status", "effective_from", "superseded_on", "published_by",
                    "published_at"]
    list_filter = ["status", "inventory__kind"]


@admin.register(VersionEvent)
class VersionEventAdmin(ReadOnlyAdmin):
    list_display = ["version", "action", "actor", "at", "note"]


@admin.register(GateOverride)
class GateOverrideAdmin(ReadOnlyAdmin):
    list_display = ["gate", "area", "category", "departments", "actor", "created_at", "reason"]
    list_filter = ["gate"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["inventory", "filename", "status", "total_rows", "created_by", "created_at", "elapsed_ms"]
    exclude = ["content"]
