from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import CalendarDay
from .worktime import provisional_years


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records only the services write (timelines, escalations, list versions): the
    admin reads them; adding, changing or deleting one would break what they prove."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Where the State Council's holiday schedule of a new year is entered (节假日安排)."""

    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        for year in provisional_years():
            messages.warning(request, _(
                "The holiday schedule of %(year)s is not known: deadlines reaching into %(year)s count "
                "weekends and fixed statutory holidays only and are marked provisional. Enter every holiday "
                "and adjusted working day (调休) of %(year)s here.") % {"year": year})
        return super().changelist_view(request, extra_context)
