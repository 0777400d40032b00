"""Help tasks from the patient's and the care team's side: ask, mark done, suggest who fits."""

from datetime import timedelta

import pytest
from django.urls import reverse

from networks.models import ContactStatus, HelpStatus, HelpTask
from networks.services import consent_grant, contact_add, help_task_claim, help_task_create

pytestmark = pytest.mark.django_db


def tasks_url(patient) -> str:
    return reverse("networks:help_tasks", args=[patient.pk])


def done_url(task) -> str:
    return reverse("networks:help_task_done", args=[task.patient_id, task.pk])


def grant_tasks(contact, person):
    consent_grant(
        contact=contact,
        actor=person,
        scopes=["help_tasks"],
        purpose="Support",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def active(patient, person, name, offers):
    helper = contact_add(
        patient=patient,
        actor=person,
        name=name,
        relationship="friend",
        preferred_channel="in_app",
        offers=offers,
    )
    helper.status = ContactStatus.ACTIVE
    helper.save()
    return helper


def test_the_person_in_recovery_asks_for_help(client, patient, person):
    client.force_login(person)
    due = patient.local_today() + timedelta(days=2)

    response = client.post(
        tasks_url(patient),
        {"kind": "ride", "title": "Ride to group", "details": "Tuesday 6pm", "due_on": due},
    )

    assert response.status_code == 302
    task = HelpTask.objects.get()
    assert (task.kind, task.title, task.due_on, task.created_by) == (
        "ride",
        "Ride to group",
        due,
        person,
    )
    assert task.status == HelpStatus.OPEN


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "loan"}, "kind"),
        ({"weekly": "on"}, "due_on"),  # a weekly task needs a first date (the service's rule)
        ({"due_on": "2001-01-01"}, "due_on"),
    ],
)
def test_a_bad_task_saves_nothing(client, patient, team_clinician, change, field):
    client.force_login(team_clinician)

    response = client.post(tasks_url(patient), {"kind": "meal", "title": "Soup"} | change)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not HelpTask.objects.exists()


def test_mark_done(client, patient, person, team_clinician, contact):
    grant_tasks(contact, person)
    task = help_task_create(patient=patient, actor=person, kind="meal", title="Soup")
    help_task_claim(task=task, contact=contact)
    client.force_login(team_clinician)

    response = client.post(done_url(task), follow=True)

    task.refresh_from_db()
    assert task.status == HelpStatus.DONE and task.done_at
    assert HelpTask.objects.count() == 1
    assert "thanks to Pat Rivera" in response.content.decode()


def test_a_weekly_task_opens_next_weeks(client, patient, person):
    due = patient.local_today() + timedelta(days=1)
    task = help_task_create(
        patient=patient, actor=person, kind="company", title="Sunday walk", due_on=due, weekly=True
    )
    client.force_login(person)

    response = client.post(done_url(task), follow=True)

    nxt = HelpTask.objects.exclude(pk=task.pk).get()
    assert (nxt.status, nxt.due_on, nxt.weekly) == (HelpStatus.OPEN, due + timedelta(days=7), True)
    assert "is open for" in response.content.decode()


def test_done_twice_is_a_message(client, patient, person):
    task = help_task_create(patient=patient, actor=person, kind="call", title="Call me")
    client.force_login(person)
    client.post(done_url(task))

    response = client.post(done_url(task), follow=True)

    assert response.status_code == 200
    assert "This task is not open for you to finish." in response.content.decode()


def test_a_task_of_another_patient_is_404(client, clinic, patient, person):
    from tests.factories import PatientFactory

    other = PatientFactory(clinic=clinic)
    task = help_task_create(patient=other, actor=person, kind="call", title="Call me")
    client.force_login(person)

    response = client.post(reverse("networks:help_task_done", args=[patient.pk, task.pk]))

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == HelpStatus.OPEN


def test_suggestions_fit_the_task_and_the_least_asked_come_first(client, patient, person, contact):
    # Pat has a car but already carries two tasks; Lee has a car and carries none;
    # Kim only cooks; Max has a car but is paused.
    contact.offers = ["car"]
    contact.save()
    grant_tasks(contact, person)
    for title in ("Groceries", "Pharmacy"):
        help_task_claim(
            task=help_task_create(patient=patient, actor=person, kind="ride", title=title),
            contact=contact,
        )
    lee = active(patient, person, "Lee Chen", ["car", "weekends"])
    active(patient, person, "Kim Ito", ["meals"])
    paused = active(patient, person, "Max Roy", ["car"])
    paused.status = ContactStatus.PAUSED
    paused.save()
    ride = help_task_create(patient=patient, actor=person, kind="ride", title="Ride to group")
    meal = help_task_create(patient=patient, actor=person, kind="meal", title="Soup")
    client.force_login(person)

    response = client.get(tasks_url(patient))

    by_task = {t.pk: t.suggestions for t in response.context["open_tasks"]}
    assert [c.name for c in by_task[ride.pk]] == ["Lee Chen", "Pat Rivera"]
    assert [c.name for c in by_task[meal.pk]] == ["Kim Ito"]
    html = response.content.decode()
    assert "carries 2 tasks" in html and "carries 0 tasks" in html
    assert "cannot see tasks yet" in html  # Lee has no help-task consent
    assert lee.pk in {c.pk for c in response.context["candidates"]}


def test_admin_sees_tasks_but_no_form(client, clinic_admin, patient, person):
    help_task_create(patient=patient, actor=person, kind="call", title="Call me")
    client.force_login(clinic_admin)

    response = client.get(tasks_url(patient))

    assert response.context["form"] is None
    assert "Call me" in response.content.decode()


def test_confirmations_show_beside_the_list_that_changed(client, patient, person):
    client.force_login(person)
    due = patient.local_today() + timedelta(days=2)

    added = client.post(
        tasks_url(patient), {"kind": "ride", "title": "Ride to group", "due_on": due.isoformat()}
    )
    page = client.get(added.url).content.decode()
    task = HelpTask.objects.get(title="Ride to group")
    done = client.post(done_url(task))
    after = client.get(done.url).content.decode()

    assert added.url.endswith("#open-tasks") and done.url.endswith("#done-tasks")
    open_section = page.split('id="open-tasks"', 1)[1].split("</section>", 1)[0]
    assert "“Ride to group” was added." in open_section
    done_section = after.split('id="done-tasks"', 1)[1].split("</section>", 1)[0]
    assert "“Ride to group” is done." in done_section
    assert 'class="messages"' not in page + after  # nothing at the top of the page
