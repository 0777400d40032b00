# ruff: noqa: F811  (the `world` fixture is imported from tests/api/conftest.py)
"""Probes (helper probe-data) of issue #16's data guarantees with cases the other tests do not
use: bad bytes in forms, query strings, cookies and headers; the API's one error shape."""

from collections.abc import Iterator

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.api.conftest import World, make_world, world  # noqa: F401  (the fixture)
from tests.factories import OrganizationFactory
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def one_world(django_db_blocker) -> Iterator[World]:
    """One `world` for a class of probes that only send requests, made once rather than once
    per case (tests/shared_rows.py)."""
    with shared_rows(django_db_blocker):
        yield make_world(OrganizationFactory(name="Harbor Recovery Center", slug="harbor"))


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _pages(world: World) -> dict[str, tuple]:
    p = world.patient.pk
    c = world.ids["contact_id"]
    return {
        "intake": (world.clinician, "/patients/new/"),
        "coping plan": (world.clinician, f"/patients/{p}/coping-plan/edit/"),
        "check-in": (world.person, "/my-recovery/check-in/"),
        "checkin clin": (world.clinician, f"/patients/{p}/checkins/new/"),
        "network contact": (world.clinician, f"/patients/{p}/network/new/"),
        "contact edit": (world.clinician, f"/patients/{p}/network/{c}/edit/"),
        "event form": (world.clinician, "/events/new/"),
        "resource form": (world.admin, "/resources/community/manage/new/"),
        "staff invite": (world.admin, "/clinic/staff/invite/"),
        "help": (world.person, "/my-recovery/help/"),
        "login": (None, "/accounts/login/"),
    }


BODIES = {
    "nul": (b"note=a%00b&name=x", FORM, 400),
    "raw nul": (b"note=a\x00b", FORM, 400),
    "escaped surrogate": (b"note=a%ED%A0%80b", FORM, None),
    "raw surrogate bytes": (b"note=a\xed\xa0\x80b", FORM, None),
    "unicode_escape charset": (b"note=a%5Cud800b", FORM + "; charset=unicode_escape", 400),
    "utf-16 charset": ("note=a\x00b".encode("utf-16-le"), FORM + "; charset=utf-16-le", 400),
}


MULTI = (
    b'--BB\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n'
    b'--BB\r\nContent-Disposition: form-data; name="f"; filename*=%s\r\n'
    b"Content-Type: application/pdf\r\n\r\n%%PDF-1.4 x\r\n--BB--\r\n"
)


class TestBadBytesInRequests:
    """Forms, query strings, uploads, cookies and headers of every kind of page, on one world."""

    @pytest.fixture(scope="class")
    def world(self, django_db_setup, django_db_blocker) -> Iterator[World]:
        yield from one_world(django_db_blocker)

    @pytest.mark.parametrize(
        "page",
        [
            "intake",
            "coping plan",
            "check-in",
            "checkin clin",
            "network contact",
            "contact edit",
            "event form",
            "resource form",
            "staff invite",
            "help",
            "login",
        ],
    )
    @pytest.mark.parametrize("body", list(BODIES))
    def test_bad_bytes_in_forms(self, world, page, body):
        user, url = _pages(world)[page]
        client = _signed_in(user) if user else Client(raise_request_exception=False)
        data, ctype, expected = BODIES[body]
        response = client.generic("POST", url, data, content_type=ctype)
        assert response.status_code < 500, response.content[:300]
        if expected:
            assert response.status_code == expected

    @pytest.mark.parametrize("page", ["intake", "check-in", "event form", "staff invite", "login"])
    @pytest.mark.parametrize(
        "query", ["q=%ED%A0%80", "q=%00", "%00=1", "q=\xed\xa0\x80", "next=%00"]
    )
    def test_bad_query(self, world, page, query):
        user, url = _pages(world)[page]
        client = _signed_in(user) if user else Client(raise_request_exception=False)
        response = client.get(url + "?" + query)
        assert response.status_code < 500

    @pytest.mark.parametrize("page", ["intake", "login", "network contact"])
    @pytest.mark.parametrize(
        "filename",
        [
            b"bogus''x.pdf",
            b"unicode_escape''%5Cud800.pdf",
            b"utf-8''%ED%A0%80.pdf",
            b"utf-8''a%00.pdf",
        ],
    )
    def test_multipart_filenames(self, world, page, filename):
        user, url = _pages(world)[page]
        client = _signed_in(user) if user else Client(raise_request_exception=False)
        response = client.generic(
            "POST", url, MULTI % filename, content_type="multipart/form-data; boundary=BB"
        )
        assert response.status_code < 500, response.content[:300]

    def test_a_surrogate_field_name_in_multipart_is_no_500(self, world):
        client = _signed_in(world.clinician)
        body = (
            b"--BB\r\nContent-Disposition: form-data; name*=unicode_escape''a%5Cud800\r\n\r\n"
            b"hi\r\n--BB--\r\n"
        )
        response = client.generic(
            "POST", "/patients/new/", body, content_type="multipart/form-data; boundary=BB"
        )
        assert response.status_code < 500

    @pytest.mark.parametrize(
        "cookie", ['"abcdefghij\\000k"', "abcdefghij\x00k", '"\\355\\240\\200abcdefgh"']
    )
    def test_session_cookie_nul(self, world, cookie):
        client = Client(raise_request_exception=False)
        client.cookies["sessionid"] = "x"
        response = client.get("/", HTTP_COOKIE=f"sessionid={cookie}")
        assert response.status_code < 500
        response = client.get("/api/v1/me/", HTTP_COOKIE=f"sessionid={cookie}")
        assert response.status_code < 500

    @pytest.mark.parametrize(
        "token", ["abc\x00defghijklmnopqrstuvwxyz", "\xed\xa0\x80abcdefghijkl"]
    )
    def test_token_header(self, world, token):
        response = Client(raise_request_exception=False).get(
            "/api/v1/patients/", HTTP_AUTHORIZATION=f"Token {token}"
        )
        assert response.status_code == 401, response.content
        assert set(response.json()) == {"detail"}

    def test_language_cookie(self, world):
        client = _signed_in(world.clinician)
        response = client.get("/caseload/", HTTP_COOKIE='django_language="e\\000n"')
        assert response.status_code < 500


# --- Invitations: an address added to another account is not proof ---------------------------

from allauth.account.models import EmailAddress  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Role  # noqa: E402
from networks.models import ContactStatus, Relationship  # noqa: E402
from networks.services import contact_add  # noqa: E402
from networks.services import invitation_send as supporter_invitation_send  # noqa: E402
from networks.services import invitation_token as supporter_token  # noqa: E402
from tests.factories import member  # noqa: E402


def test_adding_the_invited_address_to_another_account_does_not_accept(world, clinic, other_clinic):
    contact = contact_add(
        patient=world.patient,
        actor=world.clinician,
        name="Alex Kim",
        relationship=Relationship.FRIEND,
        email="alex.kim@example.org",
    )
    url = reverse(
        "networks:invitation",
        args=[supporter_token(supporter_invitation_send(contact=contact, actor=world.clinician))],
    )
    intruder = member(Role.PATIENT, other_clinic, email="river@lakeside.org")
    client = _signed_in(intruder)
    client.post("/accounts/email/", {"email": "Alex.Kim@example.org", "action_add": ""})
    client.post("/accounts/email/", {"email": "Alex.Kim@example.org", "action_primary": ""})
    intruder.refresh_from_db()
    print("intruder email now", intruder.email)
    client.get(url)
    client.post(url)
    contact.refresh_from_db()
    assert contact.user_id != intruder.pk
    assert contact.status == ContactStatus.INVITED


# --- List reads: a search names only the patients it showed ------------------------------------

from audit.models import Action, AuditEvent, ListedPatient  # noqa: E402
from tests.factories import CareTeamMemberFactory, PatientFactory  # noqa: E402


def _list_events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.LIST, details__list=name))


def _listed(event: AuditEvent) -> set[int]:
    return set(ListedPatient.objects.filter(event=event).values_list("patient_id", flat=True))


def test_searched_lists_name_only_the_patients_found_and_only_they_see_it(world, clinic):
    other = PatientFactory(
        clinic=clinic, legal_name="Blake Moreno", user=member(Role.PATIENT, clinic)
    )
    CareTeamMemberFactory(patient=other, clinician=world.clinician)
    client = _signed_in(world.clinician)

    assert client.get("/caseload/", {"q": "Rivera"}).status_code == 200
    assert _signed_in(world.admin).get("/clinic/patients/", {"q": "Rivera"}).status_code == 200
    api = APIClient()
    api.force_authenticate(world.clinician)
    assert api.get("/api/v1/patients/", {"q": "Rivera", "status": "active"}).status_code == 200

    for name in ("caseload",):
        [event] = _list_events(name)
        assert event.details["filters"]["q"] == "Rivera"
        assert _listed(event) == {world.patient.pk}
    events = AuditEvent.objects.filter(action=Action.LIST)
    assert events.count() == 3, list(events.values_list("details", flat=True))
    for event in events:
        assert _listed(event) == {world.patient.pk}, event.details
        assert event.details["patients"] == 1

    seen = _signed_in(world.person).get("/my-recovery/who-saw-my-information/").content.decode()
    unseen = _signed_in(other.user).get("/my-recovery/who-saw-my-information/").content.decode()
    assert "Saw you in a list" in seen
    assert "Saw you in a list" not in unseen
    supporter = _signed_in(world.supporter).get("/my-recovery/who-saw-my-information/")
    assert supporter.status_code == 404


# --- Cache-Control on what carries health information ------------------------------------------


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_no_store_on_pages_api_exports_errors(world):
    clinician = _signed_in(world.clinician)
    admin = _signed_in(world.admin)
    answers = {
        "page": clinician.get(f"/patients/{world.patient.pk}/"),
        "htmx": clinician.get("/caseload/", HTTP_HX_REQUEST="true"),
        "refused page": clinician.get("/caseload/?q=%00"),
        "404 page": clinician.get("/patients/999999/"),
        "audit csv": admin.get("/clinic/audit/export.csv"),
        "api": clinician.get("/api/v1/patients/"),
        "api 404": clinician.get("/api/v1/patients/999999/"),
        "api 400": clinician.get("/api/v1/patients/?nope=1"),
        "schema": clinician.get("/api/schema/"),
    }
    for name, response in answers.items():
        assert _no_store(response), (name, response.status_code, response.headers)


# --- The API's one error shape -----------------------------------------------------------------


def test_api_errors_share_one_shape(world):
    api = APIClient()
    api.force_authenticate(world.clinician)
    setbacks = f"/api/v1/patients/{world.patient.pk}/setbacks/"
    answers = {
        415: api.generic("POST", setbacks, "kind=lapse", content_type="text/plain"),
        400: api.generic("POST", setbacks, b'{"kind": ', content_type="application/json"),
        405: api.put("/api/v1/patients/"),
    }
    for status, response in answers.items():
        assert response.status_code == status, (status, response.content)
        assert isinstance(response.json()["detail"], str)
    someone_else = PatientFactory(clinic=world.patient.clinic)
    for user in (world.person, world.supporter):
        api.force_authenticate(user)
        theirs = api.get(f"/api/v1/patients/{someone_else.pk}/")
        nothing = api.get(f"/api/v1/patients/{someone_else.pk + 1000}/")
        assert theirs.status_code == nothing.status_code == 404
        assert theirs.json() == nothing.json()


def test_the_holder_who_used_the_email_page_still_accepts(world, clinic):
    """allauth keeps an unverified copy of the account's own address once the email page is
    opened: that is no reason to refuse the person the invitation sent to them."""
    contact = contact_add(
        patient=world.patient,
        actor=world.clinician,
        name="Alex Kim",
        relationship=Relationship.FRIEND,
        email="Alex.Kim@Example.org",
    )
    invitation = supporter_invitation_send(contact=contact, actor=world.clinician)
    url = reverse("networks:invitation", args=[supporter_token(invitation)])
    holder = member(Role.SUPPORTER, clinic, email="alex.kim@example.org")
    client = _signed_in(holder)
    assert client.get("/accounts/email/").status_code == 200
    assert EmailAddress.objects.filter(user=holder, verified=False, primary=False).exists()

    client.post(url)

    contact.refresh_from_db()
    assert contact.user_id == holder.pk


def test_a_staff_invitation_is_not_taken_by_adding_its_address(
    world, clinic, other_clinic, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.models import Membership
    from tests.security.test_invites_staff import invite, link_in

    admin = _signed_in(world.admin)
    invite(admin, django_capture_on_commit_callbacks, "new.hire@example.org")
    link = link_in(mail.outbox[-1].body)
    # allauth refuses a new address on an account with a second factor (all staff), so the
    # intruder is a patient of another clinic, who has none.
    intruder = member(Role.PATIENT, other_clinic, email="quinn@lakeside.org")
    client = _signed_in(intruder)
    client.post("/accounts/email/", {"email": "New.Hire@example.org", "action_add": ""})
    client.post("/accounts/email/", {"email": "New.Hire@example.org", "action_primary": ""})
    intruder.refresh_from_db()
    assert intruder.email.lower() == "new.hire@example.org"  # the page let them do this

    client.get(link)
    client.post(link)

    assert not Membership.objects.filter(user=intruder, organization=clinic).exists()


def test_signing_in_as_someone_else_midway_links_nothing(world, clinic, other_clinic):
    contact = contact_add(
        patient=world.patient,
        actor=world.clinician,
        name="Alex Kim",
        relationship=Relationship.FRIEND,
        email="alex.kim@example.org",
    )
    invitation = supporter_invitation_send(contact=contact, actor=world.clinician)
    url = reverse("networks:invitation", args=[supporter_token(invitation)])
    client = Client(raise_request_exception=False)
    assert client.get(url).status_code == 200  # signed out: the form to set up an account
    client.force_login(member(Role.SUPPORTER, other_clinic, email="sam@lakeside.org"))

    response = client.post(
        url, {"full_name": "Sam", "password1": "x-Long-pass-42!", "password2": "x-Long-pass-42!"}
    )

    assert response.status_code < 500
    contact.refresh_from_db()
    assert contact.user_id is None
    assert contact.status == ContactStatus.INVITED


class TestOddClientHeaders:
    @pytest.fixture(scope="class")
    def world(self, django_db_setup, django_db_blocker) -> Iterator[World]:
        yield from one_world(django_db_blocker)

    @pytest.mark.parametrize(
        "headers",
        [
            {"HTTP_X_FORWARDED_FOR": "not-an-address"},
            {"HTTP_X_FORWARDED_FOR": "10.0.0.1\x00"},
            {"HTTP_X_FORWARDED_FOR": "<script>, 10.0.0.1"},
            {"HTTP_USER_AGENT": "Mozilla\x00/5.0"},
        ],
    )
    def test_odd_client_headers_on_audited_pages_are_no_500(self, world, headers):
        clinician = _signed_in(world.clinician)

        response = clinician.get(f"/patients/{world.patient.pk}/", **headers)
        listing = clinician.get("/caseload/", **headers)

        assert response.status_code == 200
        assert listing.status_code == 200
        assert AuditEvent.objects.latest("pk").ip_address == "127.0.0.1"  # the peer, not the text


def test_the_trail_records_the_address_our_proxy_saw_not_one_the_client_wrote(world, settings):
    clinician = _signed_in(world.clinician)
    forged = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}  # client wrote the first

    clinician.get(f"/patients/{world.patient.pk}/", **forged)
    without_proxy = AuditEvent.objects.latest("pk").ip_address
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    clinician.get(f"/patients/{world.patient.pk}/", **forged)
    behind_one_proxy = AuditEvent.objects.latest("pk").ip_address

    assert without_proxy == "127.0.0.1"
    assert behind_one_proxy == "198.51.100.7"


HUGE = "99999999999999999999"


def test_out_of_range_numbers_are_no_500(world):
    api = APIClient()
    api.force_authenticate(world.clinician)
    pid = world.patient.pk
    answers = [
        api.get(f"/api/v1/patients/?program={HUGE}"),
        api.get(f"/api/v1/appointments/?patient={HUGE}"),
        api.get(f"/api/v1/patients/?page={HUGE}"),
        api.post(
            f"/api/v1/patients/{pid}/appointments/",
            {
                "kind": "individual",
                "starts_at": "2027-01-10T10:00:00Z",
                "ends_at": "2027-01-10T11:00:00Z",
                "staff_attendees": [int(HUGE)],
            },
            format="json",
        ),
        _signed_in(world.clinician).get(f"/caseload/?program={HUGE}&page={HUGE}"),
        _signed_in(world.clinician).get(f"/patients/{HUGE}/"),
        _signed_in(world.admin).get(f"/clinic/patients/?program={HUGE}"),
        _signed_in(world.clinician).post(
            f"/patients/{pid}/care-team/add/", {"clinician": HUGE, "team_role": "primary_counselor"}
        ),
    ]
    for response in answers:
        assert response.status_code < 500, (response.request["PATH_INFO"], response.content[:300])


class TestNotYours:
    @pytest.fixture(scope="class")
    def world(self, django_db_setup, django_db_blocker) -> Iterator[World]:
        yield from one_world(django_db_blocker)

    @pytest.mark.parametrize(
        "template",
        [
            "/patients/{}/",
            "/patients/{}/coping-plan/",
            "/patients/{}/network/",
            "/patients/{}/checkins/",
            "/support/{}/",
            "/api/v1/patients/{}/",
            "/api/v1/patients/{}/coping-plan/",
            "/api/v1/patients/{}/setbacks/",
        ],
    )
    def test_not_yours_answers_like_does_not_exist(self, world, template):
        """An off-team clinician asks for this clinic's patient; the patient and the supporter
        for a patient of the clinic they have nothing to do with."""
        clinic = world.patient.clinic
        stranger = PatientFactory(clinic=clinic).pk
        cases = [
            (member(Role.CLINICIAN, clinic), world.patient.pk),
            (world.person, stranger),
            (world.supporter, stranger),
        ]
        for user, someone in cases:
            client = _signed_in(user)
            theirs = client.get(template.format(someone))
            missing = client.get(template.format(someone + 10_000))
            assert theirs.status_code == missing.status_code == 404, (user, theirs.status_code)
            if template.startswith("/api/"):
                assert theirs.json() == missing.json()
