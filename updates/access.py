"""Who reaches which update, reply and photo. Everything outside answers 404.

- The person in recovery: their own updates (coping.access.own_patient_record).
- Staff: the updates of a patient whose chart they may open (patients.access); the care team
  (and emergency access) may post on the person's behalf, clinic admins read.
- A supporter: an update whose audience holds their contact row, while that contact is active
  and a consent in force grants them `Scope.UPDATES` (networks.consent, asked on every request).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Organization, Role, User
from coping.access import own_patient_record
from networks.consent import consented_scopes_of
from networks.models import Scope, SupportContact
from networks.selectors import contacts_of_supporter
from patients.access import ChartAccess, patient_for_staff
from patients.models import Patient
from updates.models import Reply, Update


def _pk(value: object) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def allowed_audience(patient: Patient) -> list[SupportContact]:
    """The patient's contacts who may be chosen now: active, with UPDATES in force (one query
    for the contacts, one for their consents)."""
    contacts = list(patient.contacts.select_related("patient").order_by("name", "pk"))
    for contact in contacts:
        contact.patient = patient
    scopes = consented_scopes_of(contacts)
    return [contact for contact in contacts if Scope.UPDATES in scopes[contact.pk]]


def supporter_contacts(user: User, clinic: Organization) -> list[SupportContact]:
    """This supporter's contact rows that see updates now (active, UPDATES in force)."""
    contacts = list(contacts_of_supporter(user, clinic))
    scopes = consented_scopes_of(contacts)
    return [contact for contact in contacts if Scope.UPDATES in scopes[contact.pk]]


def update_of_patient(patient: Patient, update_id: object) -> Update:
    """One live update of this patient."""
    return get_object_or_404(
        Update.objects.live().filter(patient=patient).select_related("patient"), pk=_pk(update_id)
    )


def reply_of_update(update: Update, reply_id: object) -> Reply:
    return get_object_or_404(
        Reply.objects.filter(update=update).select_related("contact"), pk=_pk(reply_id)
    )


def my_update(membership: Membership | None, update_id: object) -> Update:
    """One of the signed-in person's own live updates."""
    return update_of_patient(own_patient_record(membership), update_id)


def update_for_supporter(
    user: User, clinic: Organization, update_id: object
) -> tuple[Update, SupportContact]:
    """An update shared with this supporter, and their contact row it was shared through."""
    contacts = supporter_contacts(user, clinic)
    update = get_object_or_404(
        Update.objects.live()
        .filter(audience__in=contacts)
        .select_related("patient__clinic")
        .distinct(),
        pk=_pk(update_id),
    )
    contact = next(c for c in contacts if c.patient_id == update.patient_id)
    return update, contact


def staff_may_post(membership: Membership, patient: Patient) -> bool:
    return ChartAccess(membership, patient).can_edit


def update_for_viewer(membership: Membership | None, user: User, update_id: object) -> Update:
    """An update whose photo this person may see: the patient's own, a chart they may open, or
    one shared with them as a supporter with the scope in force."""
    if membership is None:
        raise Http404
    if membership.role == Role.PATIENT:
        return my_update(membership, update_id)
    if membership.role == Role.SUPPORTER:
        return update_for_supporter(user, membership.organization, update_id)[0]
    if membership.is_staff_role:
        update = get_object_or_404(
            Update.objects.live().filter(patient__clinic_id=membership.organization_id),
            pk=_pk(update_id),
        )
        patient_for_staff(membership, update.patient_id)  # 404 off the care team
        return update
    raise Http404
