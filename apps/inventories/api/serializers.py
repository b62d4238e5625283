from rest_framework import serializers

from ..models import ImportJob, Item, Version


class ItemSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", default=None)
    departments = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Item
        fields = ["code", "matter", "power_kind", "duty_kind", "legal_basis", "department", "departments",
                  "categories", "reason", "go_instead", "keywords", "note"]


class VersionSummarySerializer(serializers.ModelSerializer):
    """A list in force, without its items and without who published it (public)."""

    list_id = serializers.IntegerField(source="inventory_id")
    kind = serializers.CharField(source="inventory.kind")
    title = serializers.CharField(source="inventory.title")
    area = serializers.CharField(source="inventory.area.name")
    area_code = serializers.CharField(source="inventory.area.code")
    version = serializers.IntegerField(source="number")
    item_count = serializers.IntegerField()

    class Meta:
        model = Version
        fields = ["list_id", "kind", "title", "area", "area_code", "version", "effective_from", "superseded_on",
                  "item_count"]


class VersionDetailSerializer(VersionSummarySerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = VersionSummarySerializer.Meta.fields + ["items"]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX in the documented column layout")


class ImportJobSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", default=None)
    version_id = serializers.IntegerField(default=None)
    percent = serializers.IntegerField()

    class Meta:
        model = ImportJob
        fields = ["id", "inventory", "filename", "status", "total_rows", "processed_rows", "percent", "errors",
                  "version", "version_id", "created_at", "finished_at", "elapsed_ms"]
