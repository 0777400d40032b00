"""The clinician sees unread threads: in the caseload's "needs attention" strip (linking to the
thread) until they read them, and in the inbox, unread first, at a constant query cost."""

import pytest
from django.urls import reverse

from messaging.models import ThreadRead
from messaging.services import message_write
from tests.factories import CareTeamMemberFactory, MessageFactory, PatientFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def strip_of(client) -> str:
    page = client.get(reverse("patients:caseload")).content.decode()
    if 'data-testid="unread-messages"' not in page:
        return ""  # nothing at all needs attention: the strip says so in one line
    start = page.index('data-testid="unread-messages"')
    return page[start : page.index("</div>", start)]


def test_the_caseload_strip_shows_the_unread_thread_until_it_is_read(
    client, team_clinician, patient, person
):
    message = message_write(author=person, body="A hard week", patient=patient)
    client.force_login(team_clinician)

    strip = strip_of(client)
    thread_link = reverse("messaging:patient", args=[patient.pk]) + f"#thread-{message.thread_id}"
    assert thread_link in strip
    assert "Jordan Rivera" in strip
    assert "A hard week" not in strip  # the strip names the thread, never the text

    page = client.get(reverse("messaging:patient", args=[patient.pk]))
    assert "A hard week" in page.content.decode()
    assert thread_link not in strip_of(client)

    message_write(author=person, body="One more thing", patient=patient)
    assert thread_link in strip_of(client)


def test_the_strip_alone_is_not_nothing_to_attend_to(client, team_clinician, patient, person):
    message_write(author=person, body="Hello", patient=patient)
    client.force_login(team_clinician)
    page = client.get(reverse("patients:caseload")).content.decode()
    assert "Nothing needs your attention right now." not in page


def test_the_inbox_lists_unread_first(client, team_clinician, patient, person, clinic):
    other = PatientFactory(clinic=clinic, legal_name="Alex Morgan")
    CareTeamMemberFactory(patient=other, clinician=team_clinician)
    read = MessageFactory(thread=ThreadFactory(patient=other), author=None)
    read.thread.last_message_at = read.thread.last_inbound_at = read.created_at
    read.thread.save()
    ThreadRead.objects.create(thread=read.thread, user=team_clinician, last_read_at=read.created_at)
    message_write(author=person, body="Unread one", patient=patient)
    client.force_login(team_clinician)
    page = client.get(reverse("messaging:inbox")).content.decode()
    assert page.index("Jordan Rivera") < page.index("Alex Morgan")
    assert page.count('data-testid="unread"') == 1


@pytest.mark.parametrize("threads", [5, 30])
def test_the_inbox_costs_the_same_for_5_or_30_threads(
    client, team_clinician, clinic, threads, django_assert_max_num_queries
):
    for _n in range(threads):
        patient = PatientFactory(clinic=clinic)
        CareTeamMemberFactory(patient=patient, clinician=team_clinician)
        message = MessageFactory(thread=ThreadFactory(patient=patient), author=None)
        message.thread.last_message_at = message.thread.last_inbound_at = message.created_at
        message.thread.save()
    client.force_login(team_clinician)
    # Session, user, membership and clinic (about 8), the page of threads with its count, the
    # audit event and its listed patients (one insert each): never one per thread.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("messaging:inbox"))
    assert response.content.decode().count('data-testid="inbox-thread"') == threads


@pytest.mark.parametrize("threads", [5, 30])
def test_the_strip_reads_unread_threads_in_one_query_at_any_size(
    client, team_clinician, clinic, threads, django_assert_max_num_queries
):
    for _n in range(threads):
        patient = PatientFactory(clinic=clinic)
        CareTeamMemberFactory(patient=patient, clinician=team_clinician)
        message = MessageFactory(thread=ThreadFactory(patient=patient), author=None)
        message.thread.last_message_at = message.thread.last_inbound_at = message.created_at
        message.thread.save()
    client.force_login(team_clinician)
    # The caseload's own budget (tests/patients/test_caseload.py), its unread threads included.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("patients:caseload"))
    assert response.context["attention"].counts["unread_messages"] == threads
    assert len(response.context["strip"]["messages"]) == 5
