from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from resources import selectors
from resources.models import Article, CommunityResource, ResourceKind

RESERVED_SLUGS = frozenset({"manage"})  # resources/articles/manage/ is the admin's page


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "audience",
            "body",
            "title_es",
            "summary_es",
            "body_es",
            "is_published",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 16}),
            "title_es": forms.TextInput(attrs={"lang": "es"}),
            "summary_es": forms.Textarea(attrs={"rows": 2, "lang": "es"}),
            "body_es": forms.Textarea(attrs={"rows": 16, "lang": "es"}),
        }

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This short name is reserved; choose another."))
        return slug


def _formfield(field: models.Field, **kwargs: object) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class CommunityResourceForm(forms.ModelForm):
    class Meta:
        model = CommunityResource
        fields = [
            "name",
            "kind",
            "description",
            "address",
            "hours",
            "phone",
            "email",
            "website",
            "languages",
            "name_es",
            "description_es",
            "hours_es",
            "languages_es",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "name_es": forms.TextInput(attrs={"lang": "es"}),
            "description_es": forms.Textarea(attrs={"rows": 4, "lang": "es"}),
            "hours_es": forms.TextInput(attrs={"lang": "es"}),
            "languages_es": forms.TextInput(attrs={"lang": "es"}),
        }
        formfield_callback = _formfield


class DirectoryFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ResourceKind.choices]
    )
    q = forms.CharField(label=_("Name"), required=False, max_length=100)


class AttachForm(forms.Form):
    resource = forms.ModelChoiceField(label=_("Community resource"), queryset=None)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: why this could help, or who to ask for."),
    )

    def __init__(self, *args: object, patient: Patient, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = selectors.attachable_resources(patient)
