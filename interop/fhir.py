"""A patient's record as a FHIR R4 Bundle (type `collection`), as plain dicts.

`patient_bundle(patient)` is the whole record, for the care team, clinic admins and the person
themself: Patient, Organization, Practitioner (everyone referenced), CareTeam, RelatedPerson
(each network contact), Consent (each scope a nested provision, with its period, the signer and
the 42 CFR Part 2 policy), Observation (check-in items; each instrument's total), a
QuestionnaireResponse per instrument taken, Appointment, Goal (milestones) and CarePlan (the
current version of the coping plan). Clinical notes are never exported.

`patient_bundle(patient, supporter_view=view)` is a supporter's: built from
networks.selectors.supporter_view (so from consented_scopes, the one consent rule) and only from
it: the person's first name, the supporter's own RelatedPerson and consents in force, and one
kind of resource per consented scope (SCOPE_RESOURCES). No numbers, answers or notes.

Every resource has a stable id, a uuid5 of its type and database key, and the fullUrl
`urn:uuid:<id>`; references inside the bundle use those fullUrls and all resolve.
"""

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from coping.instruments import INSTRUMENTS
from coping.models import Assessment, CheckIn, CopingPlanVersion
from coping.plan import LIST_SECTIONS, SECTION_LABELS
from coping.services import current_version
from interop import codes
from networks.consent import consents_in_force
from networks.models import Consent, ContactStatus, Scope, SupportContact
from networks.selectors import CheckinSummary, SupporterView
from patients.milestones import MilestoneDate, anniversary, milestones_between
from patients.models import Appointment, AppointmentStatus, Milestone, Patient

Resource = dict[str, Any]

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, codes.BASE_URL)

# What a supporter's bundle may hold: these always (who is shared about, by whom, with whom,
# under which consent), and one kind of resource per consented scope. Help tasks have no
# resource in the export.
SUPPORTER_ALWAYS = frozenset({"Patient", "Organization", "RelatedPerson", "Consent"})
SCOPE_RESOURCES: dict[str, frozenset[str]] = {
    Scope.MILESTONES: frozenset({"Goal"}),
    Scope.CHECKIN_SUMMARY: frozenset({"Observation"}),
    Scope.COPING_PLAN: frozenset({"CarePlan"}),
    Scope.APPOINTMENTS: frozenset({"Appointment"}),
    Scope.HELP_TASKS: frozenset(),
    Scope.UPDATES: frozenset(),
    Scope.MESSAGES: frozenset(),
}

APPOINTMENT_STATUS = {
    AppointmentStatus.SCHEDULED: "booked",
    AppointmentStatus.ATTENDED: "fulfilled",
    AppointmentStatus.MISSED: "noshow",
    AppointmentStatus.CANCELLED: "cancelled",
}
SCORE_UNIT = {"unit": "{score}", "system": codes.UCUM, "code": "{score}"}
CHECKIN_SCALES = ("mood", "craving", "stress")


def resource_id(resource_type: str, key: object) -> str:
    """The stable id of a resource: the same row always gets the same id."""
    return str(uuid.uuid5(NAMESPACE, f"{resource_type}/{key}"))


def full_url(resource_type: str, key: object) -> str:
    return f"urn:uuid:{resource_id(resource_type, key)}"


def ref(resource_type: str, key: object) -> dict[str, str]:
    return {"reference": full_url(resource_type, key)}


def coding(system: str, code: str, display: str = "") -> dict[str, str]:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(*codings: dict[str, str], text: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"coding": list(codings)} if codings else {}
    if text:
        found["text"] = text
    return found


def local(system: codes.LocalSystem, code: str) -> dict[str, str]:
    return coding(system.url, code, system.display(code))


def instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def day(value: date) -> str:
    return value.isoformat()


class BundleBuilder:
    """The resources of one bundle (or one export), each added once by its key."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}

    def add(self, resource_type: str, key: object, body: Resource) -> dict[str, str]:
        url = full_url(resource_type, key)
        if url not in self.resources:
            self.resources[url] = {
                "resourceType": resource_type,
                "id": resource_id(resource_type, key),
                **body,
            }
        return {"reference": url}

    def has(self, resource_type: str, key: object) -> bool:
        return full_url(resource_type, key) in self.resources

    def bundle(self, bundle_key: str) -> Resource:
        return {
            "resourceType": "Bundle",
            "id": resource_id("Bundle", bundle_key),
            "type": "collection",
            "timestamp": instant(timezone.now()),
            "entry": [
                {"fullUrl": url, "resource": resource} for url, resource in self.resources.items()
            ],
        }

    # --- Who ------------------------------------------------------------------------------

    def organization(self, clinic: Organization) -> dict[str, str]:
        body: Resource = {"active": True, "name": clinic.name}
        if clinic.phone:
            body["telecom"] = [{"system": "phone", "value": clinic.phone, "use": "work"}]
        return self.add("Organization", clinic.pk, body)

    def practitioner(self, user: User) -> dict[str, str]:
        body: Resource = {
            "active": user.is_active,
            "name": [{"text": user.full_name or user.email}],
            "telecom": [{"system": "email", "value": user.email, "use": "work"}],
        }
        return self.add("Practitioner", user.pk, body)

    def person_or_practitioner(self, patient: Patient, user: User | None) -> dict[str, str]:
        """Who wrote something: the person themself, or the clinician who entered it."""
        if user is None or user.pk == patient.user_id:
            return ref("Patient", patient.pk)
        return self.practitioner(user)

    def patient_full(self, patient: Patient) -> dict[str, str]:
        clinic = patient.clinic
        body: Resource = {
            "identifier": [
                {
                    "use": "usual",
                    "type": concept(
                        coding(
                            "http://terminology.hl7.org/CodeSystem/v2-0203",
                            "MR",
                            "Medical record number",
                        )
                    ),
                    "system": codes.mrn_system(clinic.slug),
                    "value": patient.mrn,
                }
            ],
            "active": True,
            "name": [{"use": "official", "text": patient.legal_name}],
            "birthDate": day(patient.date_of_birth),
            "communication": [
                {
                    "language": concept(
                        coding("urn:ietf:bcp:47", patient.preferred_language),
                    ),
                    "preferred": True,
                }
            ],
            "managingOrganization": self.organization(clinic),
        }
        if patient.preferred_name:
            body["name"].append({"use": "usual", "text": patient.preferred_name})
        telecom = []
        if patient.phone:
            telecom.append({"system": "phone", "value": patient.phone, "use": "mobile"})
        if patient.email:
            telecom.append({"system": "email", "value": patient.email, "use": "home"})
        if telecom:
            body["telecom"] = telecom
        primary = next(
            (m for m in patient.care_team.all() if m.is_primary and m.ended_on is None), None
        )
        if primary is not None:
            body["generalPractitioner"] = [self.practitioner(primary.clinician)]
        return self.add("Patient", patient.pk, body)

    def patient_first_name(self, patient: Patient) -> dict[str, str]:
        """All a supporter learns of the person: their first name, at their clinic."""
        body = {
            "name": [{"use": "usual", "given": [patient.first_name]}],
            "managingOrganization": self.organization(patient.clinic),
        }
        return self.add("Patient", patient.pk, body)

    def related_person(self, contact: SupportContact) -> dict[str, str]:
        relationship = [local(codes.RELATIONSHIP, contact.relationship)]
        if contact.relationship in codes.RELATIONSHIP_V3:
            code, display = codes.RELATIONSHIP_V3[contact.relationship]
            relationship.insert(0, coding(codes.V3_ROLE_CODE, code, display))
        body: Resource = {
            "active": contact.status == ContactStatus.ACTIVE,
            "patient": ref("Patient", contact.patient_id),
            "relationship": [concept(*relationship)],
            "name": [{"text": contact.name}],
            "period": {"start": instant(contact.created_at)},
        }
        if contact.removed_at:
            body["period"]["end"] = instant(contact.removed_at)
        telecom = []
        if contact.phone:
            telecom.append({"system": "phone", "value": contact.phone})
        if contact.email:
            telecom.append({"system": "email", "value": contact.email})
        if telecom:
            body["telecom"] = telecom
        return self.add("RelatedPerson", contact.pk, body)

    def care_team(self, patient: Patient) -> None:
        members = list(patient.care_team.all())
        if not members:
            return
        participants = []
        for member in members:
            period = {"start": day(member.started_on)}
            if member.ended_on:
                period["end"] = day(member.ended_on)
            participants.append(
                {
                    "role": [concept(local(codes.TEAM_ROLE, member.team_role))],
                    "member": self.practitioner(member.clinician),
                    "period": period,
                }
            )
        self.add(
            "CareTeam",
            patient.pk,
            {
                "status": "active",
                "name": _("Care team"),
                "subject": ref("Patient", patient.pk),
                "participant": participants,
                "managingOrganization": [self.organization(patient.clinic)],
            },
        )

    # --- Consent --------------------------------------------------------------------------

    def consent(self, consent: Consent, *, in_force: bool) -> dict[str, str]:
        patient_ref = ref("Patient", consent.patient_id)
        start = instant(consent.signed_at)
        ended = consent.revoked_at or consent.superseded_at
        period: dict[str, str] = {"start": start}
        if ended is not None:
            period["end"] = instant(ended)
        elif consent.expires_on is not None:
            period["end"] = day(consent.expires_on)
        provisions = [
            {
                "type": "permit",
                "period": period,
                "code": [concept(local(codes.CONSENT_SCOPES, scope))],
            }
            for scope in consent.scopes
            if scope in Scope.values
        ]
        body: Resource = {
            "status": "active" if in_force else "inactive",
            "scope": concept(coding(*codes.PRIVACY_SCOPE)),
            "category": [concept(coding(*codes.CONSENT_CATEGORY))],
            "patient": patient_ref,
            "dateTime": start,
            "performer": [patient_ref],
            "organization": [ref("Organization", consent.clinic_id)],
            "policy": [{"authority": codes.PART2_AUTHORITY, "uri": codes.PART2_POLICY_URI}],
            "policyRule": concept(coding(*codes.PART2_RULE)),
            "verification": [
                {
                    "verified": True,
                    "verifiedWith": patient_ref,
                    "verificationDate": start,
                }
            ],
            "provision": {
                "type": "permit",
                "period": period,
                "actor": [
                    {
                        "role": concept(coding(*codes.INFORMATION_RECIPIENT)),
                        "reference": ref("RelatedPerson", consent.contact_id),
                    }
                ],
                "purpose": [{"display": consent.purpose}],
                "provision": provisions,
            },
        }
        if consent.paper_form:
            body["sourceAttachment"] = {"title": _("Signed paper form")}
        return self.add("Consent", consent.pk, body)

    # --- Check-ins and questionnaires -----------------------------------------------------

    def checkin(self, patient: Patient, checkin: CheckIn) -> None:
        subject = ref("Patient", patient.pk)
        performer = [
            self.person_or_practitioner(patient, checkin.entered_by if checkin.on_behalf else None)
        ]
        common = {
            "status": "final",
            "category": [concept(coding(*codes.SURVEY))],
            "subject": subject,
            "effectiveDateTime": day(checkin.local_date),
            "issued": instant(checkin.updated_at),
            "performer": performer,
        }
        members = []
        for item in CHECKIN_SCALES:
            members.append(
                self.add(
                    "Observation",
                    f"checkin/{checkin.pk}/{item}",
                    {
                        **common,
                        "code": concept(local(codes.CHECKIN_ITEM, item)),
                        "valueInteger": getattr(checkin, item),
                    },
                )
            )
        if checkin.sleep_hours is not None:
            members.append(
                self.add(
                    "Observation",
                    f"checkin/{checkin.pk}/sleep",
                    {
                        **common,
                        "code": concept(coding(*codes.SLEEP_DURATION)),
                        "valueQuantity": {
                            "value": float(checkin.sleep_hours),
                            "unit": "h",
                            "system": codes.UCUM,
                            "code": "h",
                        },
                    },
                )
            )
        use: Resource = {
            **common,
            "code": concept(local(codes.CHECKIN_ITEM, "use-since-last")),
            "valueBoolean": checkin.used_since_last,
        }
        if checkin.use_details:
            use["note"] = [{"text": checkin.use_details}]
        members.append(self.add("Observation", f"checkin/{checkin.pk}/use", use))
        panel: Resource = {
            **common,
            "code": concept(local(codes.CHECKIN_ITEM, "checkin")),
            "hasMember": members,
        }
        notes = [{"text": checkin.note}] if checkin.note else []
        notes += [
            {"text": _("Coping strategy used: %(text)s") % {"text": used.get("text", "")}}
            for used in checkin.strategies_used or []
            if isinstance(used, dict) and used.get("text")
        ]
        if notes:
            panel["note"] = notes
        self.add("Observation", f"checkin/{checkin.pk}", panel)

    def assessment(self, patient: Patient, assessment: Assessment) -> None:
        instrument = INSTRUMENTS.get(assessment.instrument)
        if instrument is None:
            return
        author = self.person_or_practitioner(
            patient, assessment.entered_by if assessment.on_behalf else None
        )
        options = dict(instrument.options)
        items = []
        for number, (text, value) in enumerate(
            zip(instrument.items, assessment.answers or [], strict=False), start=1
        ):
            items.append(
                {
                    "linkId": str(number),
                    "text": text,
                    "answer": [
                        {
                            "valueCoding": coding(
                                codes.answers_system(instrument.slug),
                                str(value),
                                options.get(value, ""),
                            )
                        }
                    ],
                }
            )
        response = self.add(
            "QuestionnaireResponse",
            assessment.pk,
            {
                "questionnaire": codes.questionnaire_url(instrument.slug),
                "status": "completed",
                "subject": ref("Patient", patient.pk),
                "authored": instant(assessment.created_at),
                "author": author,
                "source": ref("Patient", patient.pk),
                "item": items,
            },
        )
        if instrument.slug in codes.TOTAL_SCORE_LOINC:
            code, display = codes.TOTAL_SCORE_LOINC[instrument.slug]
            total_code = coding(codes.LOINC, code, display)
        else:
            total_code = local(codes.INSTRUMENT_TOTAL, instrument.slug)
        band = f"{instrument.slug}-{assessment.band}"
        self.add(
            "Observation",
            f"assessment/{assessment.pk}/total",
            {
                "status": "final",
                "category": [concept(coding(*codes.SURVEY))],
                "code": concept(total_code, text=instrument.short_name),
                "subject": ref("Patient", patient.pk),
                "effectiveDateTime": day(assessment.local_date),
                "issued": instant(assessment.created_at),
                "performer": [author],
                "valueQuantity": {"value": float(assessment.total), **SCORE_UNIT},
                "interpretation": [concept(local(codes.INSTRUMENT_BAND, band))],
                "derivedFrom": [response],
            },
        )

    def checkin_summary(self, view: SupporterView, summary: CheckinSummary, today: date) -> None:
        """A supporter's week in words: a band, never a number."""
        self.add(
            "Observation",
            f"checkin-summary/{view.contact.pk}/{today.isoformat()}",
            {
                "status": "final",
                "category": [concept(coding(*codes.SURVEY))],
                "code": concept(local(codes.CHECKIN_ITEM, "checkin-summary")),
                "subject": ref("Patient", view.patient.pk),
                "effectivePeriod": {
                    "start": day(today - timedelta(days=6)),
                    "end": day(today),
                },
                "valueCodeableConcept": concept(
                    local(codes.CHECKIN_SUMMARY_BAND, summary.band), text=str(summary.sentence)
                ),
            },
        )

    # --- Appointments, milestones, the coping plan ----------------------------------------

    def appointment(
        self,
        appointment: Appointment,
        *,
        staff: Iterable[User] = (),
        contacts: Iterable[int] = (),
    ) -> None:
        participants = [
            {
                "actor": ref("Patient", appointment.patient_id),
                "required": "required",
                "status": "accepted",
            }
        ]
        participants += [{"actor": self.practitioner(user), "status": "accepted"} for user in staff]
        participants += [
            {"actor": ref("RelatedPerson", pk), "status": "needs-action"} for pk in contacts
        ]
        body: Resource = {
            "status": APPOINTMENT_STATUS.get(appointment.status, "booked"),
            "serviceType": [concept(local(codes.APPOINTMENT_KIND, appointment.kind))],
            "description": appointment.label,
            "start": instant(appointment.starts_at),
            "end": instant(appointment.ends_at),
            "minutesDuration": max(
                int((appointment.ends_at - appointment.starts_at).total_seconds() // 60), 1
            ),
            "participant": participants,
        }
        if appointment.location:
            body["comment"] = appointment.location
        self.add("Appointment", appointment.pk, body)

    def goal(
        self,
        patient: Patient,
        key: str,
        *,
        code: dict[str, str],
        title: str,
        when: date,
        today: date,
        note: str = "",
    ) -> None:
        reached = when <= today
        body: Resource = {
            "lifecycleStatus": "completed" if reached else "active",
            "achievementStatus": concept(
                coding(
                    codes.GOAL_ACHIEVEMENT,
                    "achieved" if reached else "in-progress",
                    "Achieved" if reached else "In Progress",
                )
            ),
            "category": [concept(code)],
            "description": {"text": title},
            "subject": ref("Patient", patient.pk),
            "target": [{"dueDate": day(when)}],
        }
        if note:
            body["note"] = [{"text": note}]
        self.add("Goal", key, body)

    def custom_milestone(self, patient: Patient, milestone: Milestone, today: date) -> None:
        self.goal(
            patient,
            f"milestone/{milestone.pk}",
            code=local(codes.MILESTONE, milestone.kind),
            title=milestone.title,
            when=milestone.date,
            today=today,
            note=milestone.note,
        )

    def day_milestone(self, patient: Patient, milestone: MilestoneDate, today: date) -> None:
        self.goal(
            patient,
            f"patient/{patient.pk}/recovery/{patient.recovery_start}/{milestone.key}",
            code=local(codes.MILESTONE, "recovery-days"),
            title=str(milestone.label),
            when=milestone.date,
            today=today,
        )

    def care_plan(
        self,
        patient: Patient,
        version: CopingPlanVersion,
        content: dict,
        *,
        author: dict[str, str] | None,
        playbook_step: str = "",
    ) -> None:
        activities = []
        for item in content.get("strategies", []):
            category = item.get("category", "")
            code = concept(local(codes.STRATEGY_CATEGORY, category)) if category else {}
            detail: Resource = {"status": "in-progress", "description": item.get("text", "")}
            if code:
                detail["code"] = code
            activities.append({"detail": detail})
        for item in content.get("routine", []):
            span = "–".join(x for x in (item.get("start", ""), item.get("end", "")) if x)
            activities.append(
                {
                    "detail": {
                        "status": "scheduled",
                        "description": f"{span} {item.get('activity', '')}".strip(),
                    }
                }
            )
        notes = [{"text": text} for text in plan_notes(content)]
        if playbook_step:
            step = _("When I'm struggling, how you can help: %(step)s") % {"step": playbook_step}
            notes.append({"text": step})
        body: Resource = {
            "status": "active",
            "intent": "plan",
            "title": _("Coping plan"),
            "description": _("Version %(number)s") % {"number": version.number},
            "subject": ref("Patient", patient.pk),
            "created": instant(version.created_at),
        }
        if author is not None:
            body["author"] = author
        if activities:
            body["activity"] = activities
        if notes:
            body["note"] = notes
        self.add("CarePlan", version.plan_id, body)


def plan_notes(content: dict) -> list[str]:
    """The plan's sections other than strategies and routine, one line per item. A trigger's
    intensity is written only when the content has it (a supporter's copy has none)."""
    lines = []
    for section in LIST_SECTIONS:
        if section in ("strategies", "routine"):
            continue
        label = str(SECTION_LABELS[section])
        for item in content.get(section, []):
            if section == "triggers":
                text = item.get("description", "")
                if item.get("how_i_manage"):
                    text += f" — {item['how_i_manage']}"
                if "intensity" in item:
                    text += " " + _("(intensity %(n)s)") % {"n": item["intensity"]}
            elif section == "people":
                text = ", ".join(
                    x for x in (item.get("name"), item.get("relationship"), item.get("phone")) if x
                )
            else:
                text = item.get("text", "")
            lines.append(f"{label}: {text}")
    crisis = content.get("crisis_plan")
    for crisis_plan in crisis if isinstance(crisis, list) else [crisis] if crisis else []:
        label = str(SECTION_LABELS["crisis_plan"])
        lines += [f"{label}: {step}" for step in crisis_plan.get("steps", [])]
        lines += [
            f"{label}: {person.get('name', '')} {person.get('phone', '')}".strip()
            for person in crisis_plan.get("people", [])
        ]
        if crisis_plan.get("include_988"):
            lines.append(f"{label}: " + _("988 Suicide & Crisis Lifeline: call or text 988"))
        if crisis_plan.get("local_emergency_number"):
            lines.append(
                f"{label}: "
                + _("Local emergency number: %(n)s") % {"n": crisis_plan["local_emergency_number"]}
            )
    return lines


# --- The two bundles ----------------------------------------------------------------------


def add_patient_record(builder: BundleBuilder, patient: Patient) -> None:
    """The whole record of a patient loaded by interop.selectors.with_fhir_data."""
    builder.patient_full(patient)
    builder.care_team(patient)
    for contact in patient.contacts.all():
        builder.related_person(contact)
    for consent in patient.consents.all():
        builder.consent(consent, in_force=consent.in_force)
    for checkin in patient.checkins.all():
        builder.checkin(patient, checkin)
    for assessment in patient.assessments.all():
        builder.assessment(patient, assessment)
    for appointment in patient.appointments.all():
        builder.appointment(
            appointment,
            staff=appointment.staff_attendees.all(),
            contacts=[contact.pk for contact in appointment.network_attendees.all()],
        )
    today = patient.local_today()
    for milestone in patient.milestones.all():
        builder.custom_milestone(patient, milestone, today)
    start = patient.recovery_start
    if start is not None:  # reached, and those of the coming year
        for milestone in milestones_between(start, start, anniversary(today, 1)):
            builder.day_milestone(patient, milestone, today)
    version = getattr(patient, "fhir_plan", None)
    if version is not None:
        author = None
        if version.author is not None:
            author = builder.person_or_practitioner(patient, version.author)
        builder.care_plan(patient, version, version.content, author=author)


def add_supporter_view(builder: BundleBuilder, view: SupporterView) -> None:
    """What one supporter may see, from their SupporterView (networks.selectors) only."""
    patient, contact = view.patient, view.contact
    builder.patient_first_name(patient)
    builder.related_person(contact)
    for consent in consents_in_force(contact):
        builder.consent(consent, in_force=True)
    today = patient.local_today()
    if Scope.MILESTONES in view.scopes:
        for milestone in view.milestones:
            builder.day_milestone(patient, milestone, today)
    if Scope.CHECKIN_SUMMARY in view.scopes and view.summary is not None:
        builder.checkin_summary(view, view.summary, today)
    if Scope.COPING_PLAN in view.scopes and view.plan is not None:
        version = current_version(patient)
        if version is not None:
            builder.care_plan(
                patient, version, view.plan, author=None, playbook_step=view.playbook_step
            )
    if Scope.APPOINTMENTS in view.scopes:
        for appointment in view.appointments:
            builder.appointment(appointment, contacts=[contact.pk])


def patient_bundle(patient: Patient, *, supporter_view: SupporterView | None = None) -> Resource:
    """The patient's Bundle: the whole record (patient loaded by interop.selectors), or, with
    `supporter_view`, only what that supporter's consent allows."""
    builder = BundleBuilder()
    if supporter_view is None:
        add_patient_record(builder, patient)
        return builder.bundle(f"patient/{patient.pk}")
    add_supporter_view(builder, supporter_view)
    return builder.bundle(f"patient/{patient.pk}/supporter/{supporter_view.contact.pk}")


def resource_types(bundle: Resource) -> set[str]:
    return {entry["resource"]["resourceType"] for entry in bundle["entry"]}


def supporter_types(scopes: Iterable[str]) -> frozenset[str]:
    """The resource types a supporter with these scopes may receive."""
    allowed = set(SUPPORTER_ALWAYS)
    for scope in scopes:
        allowed |= SCOPE_RESOURCES.get(scope, frozenset())
    return frozenset(allowed)


# --- The clinic's export ------------------------------------------------------------------

# The order of the types in the NDJSON download: who first, then what references them.
EXPORT_ORDER = (
    "Organization",
    "Practitioner",
    "Patient",
    "CareTeam",
    "RelatedPerson",
    "Consent",
    "QuestionnaireResponse",
    "Observation",
    "Appointment",
    "Goal",
    "CarePlan",
)


def export_lines(patients: Iterable[Patient]) -> Iterator[str]:
    """Every resource of these patients' records (loaded by interop.selectors), one JSON
    object a line, grouped by type in EXPORT_ORDER; a practitioner or the clinic seen in many
    records is written once."""
    builder = BundleBuilder()
    for patient in patients:
        add_patient_record(builder, patient)
    by_type: dict[str, list[Resource]] = {}
    for resource in builder.resources.values():
        by_type.setdefault(resource["resourceType"], []).append(resource)
    order = [*EXPORT_ORDER, *sorted(set(by_type) - set(EXPORT_ORDER))]
    for resource_type in order:
        for resource in by_type.get(resource_type, []):
            yield json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n"
