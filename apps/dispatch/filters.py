"""Queue filters (django-filter): area subtree, category, channel, urgency, state."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case, Category, Channel, Urgency, in_area_subtree
from apps.cases.workflow import Status
from apps.grids.models import Area, Level


class QueueFilter(django_filters.FilterSet):
    area = django_filters.ModelChoiceFilter(label=_("Area (with everything under it)"), queryset=Area.objects.none(),
                                            method="in_subtree", empty_label=_("All my areas"))
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.select_related("parent"),
                                                method="in_category", empty_label=_("All categories"))
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("All channels"))
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices,
                                          empty_label=_("All urgencies"))
    state = django_filters.ChoiceFilter(label=_("State"), field_name="status", choices=Status.choices,
                                        empty_label=_("Waiting for a dispatcher"))

    class Meta:
        model = Case
        fields = ["area", "category", "channel", "urgency", "state"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only areas the person may see are offered (and accepted).
        # (without the boundaries: a county offers thousands of areas and shows only names)
        areas = Area.objects.visible_to(user).defer("boundary").order_by("path") if user else Area.objects.none()
        scope = user.scope_area if user else None
        if scope is not None and scope.level == Level.COUNTY:
            # A county holds thousands of grids: a dropdown of them all is unusable and took
            # most of the county queue's render time at city scale (bench/queue.py: 4,421
            # options). County staff narrow to a township or village here.
            areas = areas.filter(level__lt=Level.GRID)
        self.filters["area"].queryset = areas

    def in_subtree(self, queryset, name, value):
        return queryset.filter(in_area_subtree(value)) if value else queryset

    def in_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value)) if value else queryset
