"""The columns of each import, in template order: the one list the templates, the exports, the
validation and the imports page's help all read."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PATIENTS = "patients"
CONTACTS = "contacts"
KINDS = (PATIENTS, CONTACTS)
# Offers are one cell: values separated by a vertical bar ("car|meals").
OFFER_SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    name: str
    help: str | Promise
    required: bool = False


PATIENT_COLUMNS = (
    Column("mrn", _("Medical record number, unique in the clinic."), required=True),
    Column("legal_name", _("Legal name."), required=True),
    Column("preferred_name", _("The name the person goes by.")),
    Column("pronouns", _("Such as she/her, they/them.")),
    Column("date_of_birth", _("YYYY-MM-DD, in the past."), required=True),
    Column("time_zone", _("Such as America/Chicago; empty: the clinic's.")),
    Column("preferred_language", _("en or es; empty: the clinic's.")),
    Column("phone", _("Phone number.")),
    Column("email", _("Email address, unique among the clinic's patients.")),
    Column("program", _("Program name; a name the clinic lacks is created.")),
    Column("status", _("intake, active, discharged or alumni; empty: intake.")),
    Column("recovery_start", _("YYYY-MM-DD, not in the future.")),
    Column("checkin_reminder_time", _("HH:MM in the person's time zone; empty: 19:00.")),
)

CONTACT_COLUMNS = (
    Column("patient_mrn", _("The record number of a patient of the clinic."), required=True),
    Column("name", _("The supporter's name."), required=True),
    Column(
        "relationship",
        _(
            "parent, partner, sibling, child, other_family, friend, peer, sponsor, "
            "professional or community."
        ),
        required=True,
    ),
    Column("email", _("Email address, unique among this patient's contacts.")),
    Column("phone", _("Phone number.")),
    Column("preferred_channel", _("email, sms or in_app; empty: email.")),
    Column("language", _("en or es; empty: the clinic's.")),
    Column("offers", _("car, weekday_evenings, weekends, meals, company, calls; separate with |.")),
    Column("playbook_step", _("When the person is struggling, how this supporter can help.")),
    Column("reach_out_weekday", _("0 (Monday) to 6 (Sunday).")),
    Column("reach_out_time", _("HH:MM.")),
)

COLUMNS = {PATIENTS: PATIENT_COLUMNS, CONTACTS: CONTACT_COLUMNS}


def names(kind: str) -> tuple[str, ...]:
    return tuple(column.name for column in COLUMNS[kind])


def required(kind: str) -> tuple[str, ...]:
    return tuple(column.name for column in COLUMNS[kind] if column.required)
