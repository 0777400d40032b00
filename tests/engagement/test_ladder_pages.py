"""The escalation ladder's pages: the chart panel and the care team's "I reached out", the
caseload's open ladders, the person's choice of supporter, the clinic's policy, the demo."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Action, AuditEvent
from engagement.models import Ladder, LadderPolicy, LadderStep, PatientEngagement, Rung
from engagement.selectors import ladder_for_chart
from patients.models import CareTeamMember, Patient, PatientStatus, TeamRole
from tests.engagement.conftest import add_supporter, grant
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


def open_ladder(patient: Patient, *, rungs: int = 2, contact=None, clinician=None) -> Ladder:
    """A ladder as the planner leaves it after `rungs` rungs."""
    now = timezone.now()
    ladder = Ladder.objects.create(
        patient=patient, streak="2026-03-01", opened_at=now - timedelta(days=2)
    )
    LadderStep.objects.create(ladder=ladder, rung=Rung.NUDGE, taken_at=ladder.opened_at)
    if rungs >= 2:
        LadderStep.objects.create(ladder=ladder, rung=Rung.SUPPORTER, taken_at=now, contact=contact)
    if rungs >= 3:
        LadderStep.objects.create(
            ladder=ladder, rung=Rung.CLINICIAN, taken_at=now, assigned_to=clinician
        )
    return ladder


def primary(patient: Patient, clinician) -> None:
    CareTeamMember.objects.create(
        patient=patient, clinician=clinician, team_role=TeamRole.PRIMARY_COUNSELOR, is_primary=True
    )


def act_url(patient: Patient, step: LadderStep) -> str:
    return reverse("engagement:ladder_step_act", args=[patient.pk, step.pk])


# --- the chart ------------------------------------------------------------------------------


def test_the_chart_shows_the_open_ladder_its_steps_and_who_acted(
    client, patient, contact, team_clinician
):
    ladder = open_ladder(patient, rungs=3, contact=contact, clinician=team_clinician)
    LadderStep.objects.filter(ladder=ladder, rung=Rung.SUPPORTER).update(
        acted_at=timezone.now(), acted_by_contact=contact
    )
    client.force_login(team_clinician)

    page = client.get(reverse("patients:alerts", args=[patient.pk])).content.decode()

    assert 'data-testid="ladder-panel"' in page and "Escalation ladder: open" in page
    for rung in ("nudge", "supporter", "clinician"):
        assert f'data-testid="ladder-step-{rung}"' in page
    assert "Pat Rivera reached out" in page
    assert "assigned to Chris Alvarez" in page
    assert 'data-testid="ladder-act-supporter"' not in page  # done already
    assert 'data-testid="ladder-act-clinician"' in page


def test_the_chart_shows_the_open_ladder_before_a_newer_closed_one(patient):
    still_open = open_ladder(patient)
    now = timezone.now()
    Ladder.objects.create(
        patient=patient, streak="2026-04-01", opened_at=now - timedelta(hours=1), closed_at=now
    )

    assert ladder_for_chart(patient).ladder == still_open


def test_the_care_teams_i_reached_out_is_recorded_once_and_audited(client, patient, team_clinician):
    ladder = open_ladder(patient, rungs=3, clinician=team_clinician)
    step = ladder.steps.get(rung=Rung.CLINICIAN)
    client.force_login(team_clinician)

    first = client.post(act_url(patient, step))
    client.post(act_url(patient, step))

    assert first.status_code == 302 and first.url.endswith(f"/patients/{patient.pk}/alerts/#ladder")
    step.refresh_from_db()
    assert step.acted_by_user == team_clinician and step.acted_at is not None
    events = AuditEvent.objects.filter(object_type="engagement.LadderStep", object_id=str(step.pk))
    assert [e.details["recorded_first"] for e in events.order_by("pk")] == [True, False]
    assert all(e.action == Action.UPDATE and e.actor == team_clinician for e in events)


def test_only_the_care_team_may_press_it_everyone_else_gets_404(
    client, clinic, other_clinic, patient, team_clinician
):
    step = open_ladder(patient).steps.get(rung=Rung.NUDGE)
    elsewhere = PatientFactory(clinic=other_clinic)
    their_step = open_ladder(elsewhere).steps.get(rung=Rung.NUDGE)
    colleague = member(Role.CLINICIAN, clinic)
    admin = member(Role.ADMIN, clinic)
    stranger = member(Role.CLINICIAN, other_clinic)
    primary(elsewhere, stranger)

    for user in (colleague, admin, stranger, patient.user):
        client.force_login(user)
        assert client.post(act_url(patient, step)).status_code == 404
    client.force_login(team_clinician)
    assert client.post(act_url(patient, their_step)).status_code == 404  # another clinic's step
    assert client.post(act_url(elsewhere, their_step)).status_code == 404
    assert client.get(act_url(patient, step)).status_code == 405
    assert not LadderStep.objects.filter(acted_at__isnull=False).exists()


def test_a_closed_ladder_takes_no_more_acts(client, patient, team_clinician):
    ladder = open_ladder(patient)
    Ladder.objects.filter(pk=ladder.pk).update(closed_at=timezone.now(), closed_reason="checked in")
    client.force_login(team_clinician)

    response = client.post(act_url(patient, ladder.steps.get(rung=Rung.NUDGE)), follow=True)

    assert "This ladder is closed already" in response.content.decode()
    assert not LadderStep.objects.filter(acted_at__isnull=False).exists()
    page = client.get(reverse("patients:alerts", args=[patient.pk])).content.decode()
    assert "Escalation ladder: closed" in page and 'data-testid="ladder-act-' not in page


@pytest.mark.parametrize("size", [1, 6])
def test_the_alerts_tab_query_count_does_not_grow_with_the_ladder(
    client, clinic, patient, team_clinician, django_assert_max_num_queries, size
):
    for n in range(size - 1):  # older, closed ladders
        Ladder.objects.create(
            patient=patient,
            streak=f"2026-01-{n + 1:02d}",
            opened_at=timezone.now() - timedelta(days=40 - n),
            closed_at=timezone.now(),
            closed_reason="checked in",
        )
    contact = add_supporter(patient, "Sam Lee", "sam@example.org")
    open_ladder(patient, rungs=3, contact=contact, clinician=team_clinician)
    client.force_login(team_clinician)

    # The chart's 16 (see tests/patients/test_caseload.py) holds with the panel: the ladder
    # and its steps are two queries, however many ladders and steps there are.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("patients:alerts", args=[patient.pk]))
    assert response.status_code == 200


# --- the caseload ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_the_caseload_shows_whose_ladder_is_still_open(
    client, clinic, team_clinician, django_assert_max_num_queries, size
):
    people = []
    for n in range(size):
        person = PatientFactory(
            clinic=clinic, legal_name=f"Quiet Person {n}", status=PatientStatus.ACTIVE
        )
        primary(person, team_clinician)
        people.append(person)
    for n, person in enumerate(people):
        ladder = open_ladder(person, rungs=1 + n % 3)
        if n == 0:
            ladder.steps.filter(rung=Rung.NUDGE).update(acted_at=timezone.now())
    closed = open_ladder(PatientFactory(clinic=clinic, legal_name="Back Again"))
    Ladder.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    primary(closed.patient, team_clinician)
    open_ladder(PatientFactory(clinic=clinic, legal_name="Not Mine"))
    client.force_login(team_clinician)

    # The caseload's budget (tests/patients/test_caseload.py): the open ladders are one query.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("patients:caseload"))

    attention = response.context["attention"]
    items = attention.open_ladders  # the first five (in the order opened), and how many in all
    assert attention.counts["open_ladders"] == size and len(items) == min(size, 5)
    assert {i.patient_name for i in items} <= {p.display_name for p in people}
    page = response.content.decode()
    strip = page.split('data-testid="ladders-open"', 1)[1].split("</div>", 1)[0]
    assert "someone reached out" in strip and "Not Mine" not in strip
    assert "Back Again" not in strip  # closed by a check-in
    if size > 1:
        assert "a supporter was asked" in strip and "nobody has reached out yet" in strip


# --- the person's choice --------------------------------------------------------------------


def test_the_person_chooses_who_may_be_asked(client, patient, contact):
    grant(contact, ["checkin_summary"])
    sam = add_supporter(patient, "Sam Lee", "sam@example.org")
    grant(sam, ["milestones"])
    client.force_login(patient.user)
    url = reverse("engagement:ladder_contact", args=[patient.pk])

    assert client.get(reverse("engagement:my_ladder_contact")).url == url
    page = client.get(url).content.decode()
    assert "Pat Rivera" in page and "Sam Lee" not in page  # Sam does not see check-ins

    assert client.post(url, {"contact": contact.pk}).status_code == 302
    assert PatientEngagement.objects.get(patient=patient).ladder_contact == contact
    assert AuditEvent.objects.filter(object_type="engagement.PatientEngagement").exists()

    refused = client.post(url, {"contact": sam.pk})
    assert refused.status_code == 200
    assert refused.context["form"].errors["contact"]
    assert client.post(url, {"contact": "nonsense"}).status_code == 200
    assert PatientEngagement.objects.get(patient=patient).ladder_contact == contact

    client.post(url, {"contact": ""})
    assert PatientEngagement.objects.get(patient=patient).ladder_contact is None


def test_the_network_page_leads_the_person_and_the_team_to_the_choice(
    client, patient, team_clinician
):
    network = reverse("networks:network", args=[patient.pk])
    for user, label in (
        (patient.user, "If I go quiet"),
        (team_clinician, "Who may be asked to reach out"),
    ):
        client.force_login(user)
        page = client.get(network).content.decode()
        link = re.search(
            r'<a [^>]*href="([^"]+)"[^>]*data-testid="ladder-contact-link">([^<]+)<', page
        )
        assert link, "the network page has no link to the reach-out choice"
        assert link.group(2) == label
        followed = client.get(link.group(1))
        assert followed.status_code == 200
        assert followed.resolver_match.view_name == "engagement:ladder_contact"


def test_the_choice_page_is_404_outside_the_persons_circle(
    client, clinic, other_clinic, patient, contact
):
    url = reverse("engagement:ladder_contact", args=[patient.pk])
    for user in (
        member(Role.CLINICIAN, clinic),
        member(Role.CLINICIAN, other_clinic),
        member(Role.PATIENT, clinic),
        contact.user,
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"contact": ""}).status_code == 404
    assert not PatientEngagement.objects.exists()


def test_a_chosen_supporter_who_stopped_seeing_checkins_is_flagged(client, patient, contact):
    PatientEngagement.objects.create(patient=patient, ladder_contact=contact)  # no consent
    client.force_login(patient.user)

    page = client.get(reverse("engagement:ladder_contact", args=[patient.pk])).content.decode()

    assert 'data-testid="ladder-contact-unavailable"' in page


# --- the clinic's policy --------------------------------------------------------------------

POLICY_URL = "/clinic/settings/ladder/"


def policy_data(**changes: object) -> dict[str, object]:
    return {
        "ladder-enabled": "on",
        "ladder-supporter_after_days": "3",
        "ladder-clinician_after_days": "5",
    } | changes


def test_the_admin_sets_the_ladder_on_the_settings_page(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    assert 'data-testid="ladder-policy"' in client.get("/clinic/settings/").content.decode()

    response = client.post(POLICY_URL, policy_data())

    assert response.status_code == 302
    policy = LadderPolicy.objects.get(clinic=clinic)
    assert (policy.enabled, policy.supporter_after_days, policy.clinician_after_days) == (
        True,
        3,
        5,
    )
    assert AuditEvent.objects.filter(
        object_type="engagement.LadderPolicy", action=Action.UPDATE
    ).exists()
    client.post(POLICY_URL, policy_data(**{"ladder-enabled": ""}))
    assert not LadderPolicy.objects.get(clinic=clinic).enabled


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ladder-supporter_after_days": "2"}, "supporter_after_days"),  # not after day 2
        ({"ladder-clinician_after_days": "3"}, "clinician_after_days"),  # not after the supporter
        ({"ladder-supporter_after_days": "four"}, "supporter_after_days"),
        ({"ladder-clinician_after_days": "99"}, "clinician_after_days"),
        ({"ladder-supporter_after_days": ""}, "supporter_after_days"),
    ],
)
def test_bad_ladder_days_get_a_clear_message_and_save_nothing(
    client, clinic, clinic_admin, changes, field
):
    client.force_login(clinic_admin)

    response = client.post(POLICY_URL, policy_data(**changes))

    assert response.status_code == 200
    assert response.context["ladder_form"].errors[field]
    assert not LadderPolicy.objects.exists()


def test_the_first_nudge_cannot_move_past_the_ladder(client, clinic, clinic_admin):
    LadderPolicy.objects.create(clinic=clinic, supporter_after_days=4, clinician_after_days=6)
    client.force_login(clinic_admin)
    data = {
        "name": clinic.name,
        "phone": "555-0100",
        "local_emergency_number": "911",
        "craving_alert_threshold": "8",
        "brs_drop_alert": "0.50",
        "score_rise_alert": "5",
        "missed_checkin_days": "4",
        "milestone_heads_up_days": "3",
    }

    response = client.post("/clinic/settings/", data)

    assert response.status_code == 200 and response.context["form"].errors["missed_checkin_days"]
    clinic.refresh_from_db()
    assert clinic.missed_checkin_days == 2


def test_only_the_clinics_admin_sets_the_ladder(client, clinic, other_clinic):
    for user in (member(Role.CLINICIAN, clinic), member(Role.ADMIN, other_clinic)):
        client.force_login(user)
        client.post(POLICY_URL, policy_data())
    assert not LadderPolicy.objects.filter(clinic=clinic).exists()
    client.force_login(member(Role.CLINICIAN, clinic))
    assert client.post(POLICY_URL, policy_data()).status_code == 404


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_has_an_open_ladder_at_rung_2_and_one_closed_by_a_checkin():
    from engagement.demo import seed_ladder
    from recovery_hub.demo import seed_demo

    demos = seed_demo(clinics=1, patients=4, seed=7)
    seed_ladder(demos, None, timezone.localdate())
    seed_ladder(demos, None, timezone.localdate())  # safe to run twice

    open_one = Ladder.objects.get(closed_at__isnull=True)
    step = open_one.steps.get(rung=Rung.SUPPORTER)
    assert step.contact is not None and step.acted_at is None
    assert open_one.patient.engagement.ladder_contact == step.contact
    assert Ladder.objects.get(closed_at__isnull=False).closed_reason == "checked in"
