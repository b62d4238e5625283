"""List filters (django-filter), shared by the case pages and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Case, Channel, Urgency
from .workflow import OPEN_STATUSES, Status


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number or title"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("All states"))
    category = django_filters.CharFilter(label=_("Category code"), field_name="category__code",
                                         lookup_expr="startswith")
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("All channels"))
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices,
                                          empty_label=_("All urgencies"))
    level = django_filters.NumberFilter(label=_("Handling level"))
    open = django_filters.BooleanFilter(label=_("Open only"), method="only_open")
    created_after = django_filters.IsoDateTimeFilter(label=_("Filed from"), field_name="created_at",
                                                     lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(label=_("Filed before"), field_name="created_at",
                                                      lookup_expr="lt")

    class Meta:
        model = Case
        fields = ["q", "status", "category", "channel", "urgency", "level", "open", "created_after",
                  "created_before"]

    def search(self, queryset, name, value):
        value = value.strip()[:60]
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset

    def only_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)
