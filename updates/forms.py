"""Forms of the updates pages. They parse; the rules (the audience, the clinical words, the
photo) are checked once, in updates.services, and their errors are put by the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.models import SupportContact
from updates.models import ReactionKind, Reply, Update
from updates.photos import MAX_UPLOAD_BYTES
from updates.rules import GUIDANCE


class AudienceChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: SupportContact) -> str:
        return f"{obj.name} ({obj.get_relationship_display()})"


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Your update"),
        max_length=Update.MAX_LENGTH,
        help_text=GUIDANCE,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": Update.MAX_LENGTH}),
    )
    everyone = forms.BooleanField(
        label=_("Everyone who may see my updates"), required=False, initial=True
    )
    audience = AudienceChoice(
        label=_("Or choose people"),
        queryset=SupportContact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        help_text=_(
            "A JPEG, PNG or WebP image of 8 MB at most. We remove its location and other "
            "details before sharing it."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: object, allowed: list[SupportContact], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        self.fields["audience"].queryset = SupportContact.objects.filter(
            pk__in=[contact.pk for contact in allowed]
        ).order_by("name", "pk")

    def clean_photo(self) -> object:
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The photo is larger than 8 MB. Choose a smaller one."))
        return photo

    def chosen(self) -> list[SupportContact]:
        if self.cleaned_data.get("everyone"):
            return list(self.allowed)
        return list(self.cleaned_data.get("audience") or [])


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply with a few encouraging words"),
        max_length=Reply.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": Reply.MAX_LENGTH}),
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[*ReactionKind.choices, ("", _("Remove my reaction"))], required=False
    )
