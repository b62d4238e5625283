"""Reads of cases, already scoped and joined for the page that uses them."""
from django.db.models import Prefetch

from .models import Case, CaseEvent, Category

LIST_RELATED = ("category", "category__parent", "area", "handling_area")


def case_list(*, user, status=None, category=None, search=None, mine=False):
    qs = Case.objects.visible_to(user).select_related(*LIST_RELATED)
    if mine:
        qs = qs.filter(created_by=user)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code__startswith=category)
    if search:
        qs = qs.filter(number__icontains=search) | qs.filter(title__icontains=search)
    return qs


def case_detail(*, user, pk):
    events = CaseEvent.objects.select_related("actor", "unit", "department").order_by("created_at", "pk")
    return (
        Case.objects.visible_to(user)
        .select_related(*LIST_RELATED, "created_by")
        .prefetch_related(Prefetch("events", queryset=events), "photos", "tickets__department")
        .get(pk=pk)
    )


def leaf_categories():
    return Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent")
