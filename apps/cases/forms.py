from django import forms
from django.utils.translation import gettext_lazy as _

from apps.grids.models import Area, Department, Level

from .models import Category, Channel, Satisfaction, Urgency
from .selectors import leaf_categories


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class CaseForm(forms.Form):
    """Parses the filing page; the rules live in `case_create`."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                      empty_label=_("— choose —"))
    title = forms.CharField(label=_("Title (optional)"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6,
                                   min_value=-180, max_value=180)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.GRID_WORKER)
    reporter_name = forms.CharField(label=_("Resident's name"), max_length=50, required=False)
    reporter_phone = forms.RegexField(label=_("Resident's phone"), regex=r"^[0-9+\- ]{5,20}$", required=False)
    photos = MultipleFileField(label=_("Photos"), widget=MultipleFileInput(attrs={"accept": "image/*"}))
    grid = forms.ModelChoiceField(label=_("Grid (only if the point is in no grid)"), queryset=Area.objects.none(),
                                  required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        county = user.scope_area.ancestor_at(Level.COUNTY) if user is not None and user.scope_area else None
        if county is not None:
            self.fields["grid"].queryset = Area.objects.subtree(county).filter(level=Level.GRID).order_by("code")


class ActionForm(forms.Form):
    """Parses an action button's form; which fields an action takes is the service's business."""

    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.filter(is_active=True),
                                        required=False)
    co_departments = forms.ModelMultipleChoiceField(
        label=_("Co-handling departments"), queryset=Department.objects.filter(is_active=True), required=False)
    original = forms.CharField(label=_("Number of the original case"), required=False, max_length=40)
    hours = forms.IntegerField(label=_("Extra working hours"), required=False, min_value=1, max_value=720)
    target_area = forms.ModelChoiceField(label=_("Village/community or grid"), required=False,
                                         queryset=Area.objects.filter(level__in=[Level.VILLAGE, Level.GRID]))
    override_reason = forms.CharField(label=_("Override reason (county dispatchers)"), required=False,
                                      max_length=2000)
    photos = MultipleFileField(label=_("Photos"), widget=MultipleFileInput(attrs={"accept": "image/*"}))


class RatingForm(forms.Form):
    """评价 / 回访: satisfied, basically satisfied or dissatisfied, with an optional comment."""

    satisfaction = forms.ChoiceField(label=_("Rating"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))


class LookupForm(forms.Form):
    """A resident's look-up: the case number and the short access code given at filing."""

    number = forms.CharField(label=_("Case number"), max_length=40)
    code = forms.CharField(label=_("Access code"), max_length=8)
