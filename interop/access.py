"""Who may read a patient's FHIR record, and how much of it.

The same rules as the rest of the API: the person themself and the staff who may open the chart
(coping.access.coping_patient: the care team, emergency access, clinic admins) read the whole
record; a supporter reads their own view of it (networks.selectors.supporter_view, built from
the consent in force) and nothing while no consent is in force. Everyone else gets 404.
"""

from django.http import Http404

from accounts.models import Membership, Role
from coping.access import coping_patient
from networks.selectors import SupporterView, contact_for_supporter, supporter_view
from patients.models import Patient


def fhir_reader(
    membership: Membership | None, patient_id: object
) -> tuple[Patient, SupporterView | None]:
    """The patient this membership may export, and the supporter's view when it is a
    supporter's (None: the whole record); 404 otherwise."""
    if membership is None:
        raise Http404
    if membership.role == Role.SUPPORTER:
        contact = contact_for_supporter(membership.user, membership.organization, patient_id)
        contact.patient.clinic = membership.organization  # the same clinic: saves a query
        view = supporter_view(contact)
        if not view.scopes:
            raise Http404  # nothing shared: as if there were nothing there
        return contact.patient, view
    return coping_patient(membership, patient_id), None
