from django import forms
from django.utils.translation import gettext_lazy as _

from apps.grids.models import Area, Level

from .columns import COLUMNS
from .models import Kind


class ItemForm(forms.Form):
    """One list row, as text in the documented columns; the rules live in services.item_save."""

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        for column in COLUMNS[kind]:
            widget = forms.Textarea(attrs={"rows": 2}) if column.key in (
                "legal_basis", "reason", "go_instead", "note") else forms.TextInput()
            self.fields[column.key] = forms.CharField(
                label=f"{column.header}", required=column.required, max_length=2000, help_text=column.help,
                widget=widget)


class InventoryCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Area.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
        if not user.sees_everything:
            scope = user.scope_area
            qs = qs.filter(path__startswith=scope.path) if scope else qs.none()
        self.fields["area"].queryset = qs


class PublishForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
