""" "I had a setback": the person records it in their own words and chooses who is told. This is
a different action from correcting a date, which tells no one and raises no alert."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import role_required
from accounts.models import Role
from coping.access import own_patient_record
from networks.consent import contacts_sharing_now
from networks.models import ContactStatus, SupportContact
from networks.services import setback_share
from patients.forms import DateInput, apply_service_errors
from patients.models import Patient, SetbackKind
from patients.services import setback_record


class MySetbackForm(forms.Form):
    occurred_on = forms.DateField(label=gettext_lazy("When"), widget=DateInput())
    kind = forms.ChoiceField(label=gettext_lazy("What it was"), choices=SetbackKind.choices)
    what_happened = forms.CharField(
        label=gettext_lazy("What happened, in your own words"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_helped = forms.CharField(
        label=gettext_lazy("What helped, or might help next time"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    tell_care_team = forms.BooleanField(
        label=gettext_lazy("Tell my care team, so they can support me"),
        required=False,
        initial=True,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=gettext_lazy(
            "Let these people know I am having a hard time (they will not see the details)"
        ),
        queryset=SupportContact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, patient: Patient, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        active = list(patient.contacts.filter(status=ContactStatus.ACTIVE))
        sharing = contacts_sharing_now(active)
        self.fields["contacts"].queryset = patient.contacts.filter(pk__in=sharing)
        self.fields["contacts"].label_from_instance = lambda c: c.name


@role_required(Role.PATIENT)
def my_setback(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    form = MySetbackForm(
        request.POST if request.method == "POST" else None,
        patient=patient,
        initial={"occurred_on": patient.local_today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                setback = setback_record(
                    patient=patient,
                    occurred_on=data["occurred_on"],
                    kind=data["kind"],
                    what_happened=data["what_happened"],
                    what_helped=data["what_helped"],
                    actor=request.user,
                    request=request,
                )
                setback_share(
                    setback=setback,
                    actor=request.user,
                    tell_care_team=data["tell_care_team"],
                    contacts=list(data["contacts"]),
                    request=request,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you for sharing this. A setback is part of many recoveries; it does "
                    "not erase the progress you have made."
                ),
            )
            return redirect("patients:patient_home")
    return render(request, "networks/my_setback.html", {"form": form, "patient": patient})
