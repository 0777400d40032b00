"""The upload form of the imports page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportKind.choices,
        initial=ImportKind.PATIENTS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Up to 10 MB and 20,000 rows; the first row holds the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
