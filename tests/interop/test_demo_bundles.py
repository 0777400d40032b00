"""The FHIR export over the seeded demo: every demo patient's bundle validates against the R4
models of fhir.resources, the codes are right, a supporter's bundle holds only what the consent
shares, and the clinic's NDJSON export parses line by line. The demo is seeded once for the
module (tests/shared_rows.py); every test only reads it (or writes and is rolled back)."""

import json
from collections.abc import Iterator

import pytest
from django.urls import reverse

from accounts.models import Organization, User
from audit.models import Action, AuditEvent
from coping.models import Assessment
from interop import codes
from interop.fhir import EXPORT_ORDER, supporter_types
from networks.consent import consented_scopes
from networks.models import SupportContact
from patients.models import Patient
from recovery_hub.demo import seed_demo
from tests.api.conftest import as_user
from tests.interop.fhir_checks import by_type, types_of, validate_bundle, validate_resource
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Two demo clinics of the usual size, seeded once for the module."""
    with shared_rows(django_db_blocker):
        seed_demo(clinics=2)
        yield


def fhir_url(patient: Patient) -> str:
    return reverse("api:patient-fhir", kwargs={"patient_id": patient.pk})


def demo_admin() -> User:
    return User.objects.get(email="admin@demo.clinic")


def demo_clinic() -> Organization:
    return Organization.objects.get(slug="demo")


def test_every_demo_patients_bundle_validates_as_fhir_r4(_demo):
    api = as_user(demo_admin())
    patients = list(demo_clinic().patients.order_by("pk"))
    assert len(patients) == 12

    for patient in patients:
        response = api.get(fhir_url(patient))

        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("application/fhir+json")
        bundle = response.json()
        validate_bundle(bundle)
        assert {"Patient", "CareTeam", "Practitioner", "Organization"} <= types_of(bundle)
        assert len(by_type(bundle, "Patient")) == 1


def test_the_demo_bundles_hold_every_kind_of_resource_the_issue_names(_demo):
    api = as_user(demo_admin())
    found: set[str] = set()
    for patient in demo_clinic().patients.all():
        found |= types_of(api.get(fhir_url(patient)).json())

    assert found == set(EXPORT_ORDER)


def test_ids_are_stable_from_one_export_to_the_next(_demo):
    api = as_user(demo_admin())
    patient = demo_clinic().patients.order_by("pk").first()

    first = api.get(fhir_url(patient)).json()
    second = api.get(fhir_url(patient)).json()

    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_questionnaire_totals_carry_their_loinc_codes(_demo):
    api = as_user(demo_admin())
    patient = Patient.objects.filter(assessments__instrument="phq9").distinct().first()
    bundle = api.get(fhir_url(patient)).json()
    totals = {}
    for observation in by_type(bundle, "Observation"):
        if "derivedFrom" in observation:
            coding = observation["code"]["coding"][0]
            totals.setdefault(observation["code"]["text"], set()).add(
                (coding["system"], coding["code"])
            )

    assert totals["PHQ-9"] == {("http://loinc.org", "44261-6")}
    assert totals["GAD-7"] == {("http://loinc.org", "70274-6")}
    assert totals["BRS"] == {(codes.INSTRUMENT_TOTAL.url, "brs")}
    responses = by_type(bundle, "QuestionnaireResponse")
    assert len(responses) == Assessment.objects.filter(patient=patient).count()
    phq9 = next(r for r in responses if r["questionnaire"] == "http://loinc.org/q/44249-1")
    assert [item["linkId"] for item in phq9["item"]] == [str(n) for n in range(1, 10)]


def test_every_local_code_is_one_the_code_systems_declare(_demo):
    api = as_user(demo_admin())
    declared = {system.url: dict(system.codes) for system in codes.LOCAL_SYSTEMS}
    seen = 0
    for patient in demo_clinic().patients.all():
        text = json.dumps(api.get(fhir_url(patient)).json())
        for coding in _codings(json.loads(text)):
            if coding.get("system") in declared:
                assert coding["code"] in declared[coding["system"]], coding
                seen += 1
            elif coding.get("system", "").startswith(codes.BASE_URL):
                assert coding["system"].endswith("-answers"), coding  # instrument answers
    assert seen > 100


def _codings(value: object) -> Iterator[dict]:
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for item in value.values():
            yield from _codings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _codings(item)


def test_consents_carry_their_scopes_signer_period_and_42_cfr_part_2(_demo):
    contact = SupportContact.objects.filter(
        consents__isnull=False, patient__clinic=demo_clinic()
    ).first()
    bundle = as_user(demo_admin()).get(fhir_url(contact.patient)).json()
    consents = by_type(bundle, "Consent")
    patient_url = "urn:uuid:" + by_type(bundle, "Patient")[0]["id"]

    assert len(consents) == contact.patient.consents.count()
    for consent in consents:
        assert consent["policyRule"]["coding"][0]["code"] == "42CFRPart2"
        assert consent["policy"][0]["uri"] == codes.PART2_POLICY_URI
        assert consent["performer"] == [{"reference": patient_url}]
        assert consent["verification"][0]["verified"] is True
        assert consent["verification"][0]["verifiedWith"] == {"reference": patient_url}
        provision = consent["provision"]
        assert "start" in provision["period"]
        assert provision["actor"][0]["reference"]["reference"].startswith("urn:uuid:")
        assert provision["provision"], "each scope is a provision"
        for scope in provision["provision"]:
            assert scope["code"][0]["coding"][0]["system"] == codes.CONSENT_SCOPES.url
            assert scope["period"] == provision["period"]


def test_the_supporters_bundle_holds_only_what_their_consent_shares(_demo):
    family = User.objects.get(email="family@demo.clinic")
    contacts = SupportContact.objects.filter(user=family, patient__clinic=demo_clinic())
    checked = 0
    for contact in contacts.select_related("patient"):
        scopes = consented_scopes(contact)
        response = as_user(family).get(fhir_url(contact.patient))
        if not scopes:
            assert response.status_code == 404
            continue
        bundle = response.json()
        validate_bundle(bundle)
        assert types_of(bundle) <= supporter_types(scopes)
        patient = by_type(bundle, "Patient")[0]
        assert set(patient) <= {"resourceType", "id", "name", "managingOrganization"}
        assert by_type(bundle, "RelatedPerson") == [
            r for r in by_type(bundle, "RelatedPerson") if r["name"][0]["text"] == contact.name
        ]
        assert not by_type(bundle, "QuestionnaireResponse")
        assert "valueQuantity" not in json.dumps(bundle)  # no numbers reach a supporter
        checked += 1
    assert checked


def test_another_clinics_patient_is_a_404(_demo):
    elsewhere = Patient.objects.exclude(clinic=demo_clinic()).first()

    for email in ("admin@demo.clinic", "clinician@demo.clinic", "patient@demo.clinic"):
        response = as_user(User.objects.get(email=email)).get(fhir_url(elsewhere))
        assert response.status_code == 404, email


def test_the_clinic_export_is_ndjson_every_line_a_valid_resource_grouped_by_type(_demo):
    admin = demo_admin()
    before = AuditEvent.objects.filter(action=Action.EXPORT).count()

    response = as_user(admin).get(reverse("api:fhir-export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    resources = [json.loads(line) for line in lines]
    for resource in resources:
        validate_resource(resource)
    kinds = [resource["resourceType"] for resource in resources]
    order = [kind for kind in EXPORT_ORDER if kind in kinds]
    assert kinds == sorted(kinds, key=order.index), "grouped by type"
    ids = [resource["id"] for resource in resources]
    assert len(ids) == len(set(ids))
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    assert len(patients) == demo_clinic().patients.count()
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("pk")
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == before + 1
    assert event.details["api"] == "fhir-export" and event.actor == admin
    assert event.listed_patients.count() == len(patients)


@pytest.mark.parametrize(
    "email", ["clinician@demo.clinic", "patient@demo.clinic", "family@demo.clinic"]
)
def test_only_a_clinic_admin_downloads_the_clinic_export(_demo, email):
    response = as_user(User.objects.get(email=email)).get(reverse("api:fhir-export"))

    assert response.status_code == 404
