from rest_framework import serializers

from apps.grids.models import Area, Department, Level

from ..models import Case, CaseEvent, CasePhoto, Category
from ..photos import MAX_PHOTOS
from ..selectors import leaf_categories


class CodeRelatedField(serializers.SlugRelatedField):
    """A slug lookup that refuses what no code contains (NUL and control characters, over-long
    values) before asking the database: PostgreSQL would raise on a NUL byte, giving a 500."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > 64 or any(ord(ch) < 32 for ch in data):
            self.fail("invalid")
        return super().to_internal_value(data)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "default_level"]


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = CasePhoto
        fields = ["id", "kind", "url", "thumbnail_url", "width", "height"]

    def _url(self, photo, size):
        from django.urls import reverse

        request = self.context.get("request")
        path = reverse("cases:photo", args=[photo.case_id, photo.pk, size])
        return request.build_absolute_uri(path) if request else path

    def get_url(self, photo) -> str:
        return self._url(photo, "full")

    def get_thumbnail_url(self, photo) -> str:
        return self._url(photo, "thumb")


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None)
    unit = serializers.CharField(source="unit.name")
    department = serializers.CharField(source="department.name", default=None)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["action", "actor", "from_status", "to_status", "level", "unit", "department", "note", "created_at",
                  "photos"]


class CaseListSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    grid = serializers.CharField(source="area.name")
    handling_unit = serializers.CharField(source="handling_area.name")

    class Meta:
        model = Case
        fields = [
            "id", "number", "title", "status", "category", "category_name", "channel", "urgency", "grid",
            "level", "handling_unit", "deadline", "created_at", "accepted_at", "closed_at",
        ]


class CaseDetailSerializer(CaseListSerializer):
    """Personal data comes masked (`138****5678`); dispatch staff get it unmasked, logged,
    from POST /api/cases/{id}/reveal/."""

    events = EventSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()
    access_code = serializers.SerializerMethodField()
    merged_into = serializers.CharField(source="merged_into.number", default=None)

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "description", "address", "latitude", "longitude", "reporter_name", "reporter_phone", "access_code",
            "merged_into", "reopened_count", "satisfaction", "satisfaction_comment", "rating_source", "rated_at",
            "events", "photos", "allowed_actions",
        ]

    def get_reporter_name(self, case) -> str:
        from ..privacy import mask_name

        return mask_name(case.reporter_name)

    def get_reporter_phone(self, case) -> str:
        from ..privacy import mask_phone

        return mask_phone(case.reporter_phone)

    def get_access_code(self, case) -> str | None:
        """Shown to the person who filed the case (to pass on to the resident) and to dispatch staff."""
        from ..privacy import may_reveal

        user = self.context["request"].user
        return case.access_code if case.created_by_id == user.pk or may_reveal(user) else None

    def get_allowed_actions(self, case) -> list[str]:
        from ..workflow import actions_for

        return [a.name for a in actions_for(case, self.context["request"].user.role)]


class CaseCreateSerializer(serializers.Serializer):
    """Input of POST /api/cases/ (JSON, or multipart with `photos`)."""

    category = CodeRelatedField(slug_field="code", queryset=Category.objects.none())
    description = serializers.CharField(max_length=4000)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                        coerce_to_string=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         coerce_to_string=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Case._meta.get_field("urgency").choices, required=False)
    channel = serializers.ChoiceField(choices=Case._meta.get_field("channel").choices, required=False)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.RegexField(r"^[0-9+\- ]{5,20}$", required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=MAX_PHOTOS)
    grid = CodeRelatedField(
        slug_field="code", queryset=Area.objects.filter(level=Level.GRID), required=False, allow_null=True,
        help_text="code of the grid, only needed when the point lies in no grid of your county")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()


class ActionSerializer(serializers.Serializer):
    """Inputs of POST /api/cases/{id}/actions/{action}/. Each action reads the ones it takes:
    dispatch → department (+ co_departments), merge → original, push_down → target_area
    (+ override_reason), request_extension → hours,
    resolve / resolve_on_spot / resolve_locally → photos (multipart). A note is a reason
    where one is required (reject, return, reopen, request_extension, refuse_extension)."""

    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True),
                                                    required=False, allow_null=True, default=None)
    co_departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True),
                                                        many=True, required=False, default=list)
    original = CodeRelatedField(slug_field="number", queryset=Case.objects.all(), required=False,
                                            allow_null=True, default=None,
                                            help_text="number of the original case (merge)")
    hours = serializers.IntegerField(min_value=1, max_value=720, required=False, allow_null=True, default=None)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=MAX_PHOTOS,
                                   default=list)
    target_area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.filter(level__in=[Level.VILLAGE, Level.GRID]), required=False, allow_null=True,
        default=None, help_text="push_down: id of the village/community or grid the case is handed down to")
    override_reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text="push_down: a county dispatcher's reason to override the community admission list")


class DuplicateSerializer(CaseListSerializer):
    distance_m = serializers.IntegerField()

    class Meta(CaseListSerializer.Meta):
        fields = ["id", "number", "title", "status", "category", "category_name", "grid", "created_at", "distance_m"]


class DuplicateQuerySerializer(serializers.Serializer):
    category = CodeRelatedField(slug_field="code", queryset=Category.objects.all())
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)


class PersonalDataSerializer(serializers.Serializer):
    reporter_name = serializers.CharField()
    reporter_phone = serializers.CharField()


class RatingSerializer(serializers.Serializer):
    """回访: the rating a resident gave dispatch staff by phone."""

    satisfaction = serializers.ChoiceField(choices=Case._meta.get_field("satisfaction").choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CaseCreatedSerializer(CaseDetailSerializer):
    """The filed case, with open cases of its category within 100 m of the last 7 days."""

    possible_duplicates = DuplicateSerializer(many=True, read_only=True)

    class Meta(CaseDetailSerializer.Meta):
        fields = CaseDetailSerializer.Meta.fields + ["possible_duplicates"]
