"""The in-app notification centre and the unread badge."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from notifications.models import Notification
from tests.factories import member

pytestmark = pytest.mark.django_db

CENTRE = reverse("notifications:centre")


def _row(user: object, n: int, **fields: object) -> Notification:
    data = {
        "kind": "heartbeat",
        "occurrence": f"o:{n}",
        "channel": "in_app",
        "recipient_key": f"user:{user.pk}",
        "body": f"Message {n}",
        "due_at": timezone.now(),
        "status": "sent",
        "sent_at": timezone.now(),
        "recipient_user": user,
    } | fields
    return Notification.objects.create(**data)


@pytest.fixture
def me(clinic):
    return member(Role.PATIENT, clinic)


@pytest.fixture
def someone_else(clinic):
    return member(Role.PATIENT, clinic)


def test_centre_shows_only_my_sent_in_app_rows_newest_first(client, me, someone_else):
    older = _row(me, 1, sent_at=timezone.now() - timedelta(hours=2))
    newer = _row(me, 2)
    _row(me, 3, channel="email")
    _row(me, 4, status="pending", sent_at=None)
    _row(someone_else, 5)
    client.force_login(me)

    response = client.get(CENTRE)

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [newer, older]
    assert b"Message 5" not in response.content


def test_mark_one_read_and_not_someone_elses(client, me, someone_else):
    mine = _row(me, 1)
    theirs = _row(someone_else, 2)
    client.force_login(me)

    assert client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405
    response = client.post(reverse("notifications:mark_read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_with_htmx_returns_the_item_and_the_badge(client, me):
    row = _row(me, 1)
    _row(me, 2)
    client.force_login(me)
    response = client.post(
        reverse("notifications:mark_read", args=[row.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notification-{row.pk}"' in body and "Mark as read" not in body
    assert 'hx-swap-oob="true"' in body and ">1<" in body


def test_mark_all_read_touches_only_mine(client, me, someone_else):
    _row(me, 1), _row(me, 2)
    theirs = _row(someone_else, 3)
    client.force_login(me)
    assert client.post(reverse("notifications:mark_all_read")).status_code == 302
    assert not Notification.objects.filter(recipient_user=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_centre_pages(client, me):
    for n in range(25):
        _row(me, n)
    client.force_login(me)
    page = client.get(CENTRE).context["page"]
    assert len(page.object_list) == 20 and page.paginator.num_pages == 2
    assert client.get(CENTRE, {"page": "zzz"}).status_code == 200


def _badge(user: object) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load notifications_tags %}{% unread_badge %}").render(
        Context({"request": request})
    )


def test_badge_counts_unread_in_one_query(me, someone_else, django_assert_num_queries):
    _row(me, 1), _row(me, 2), _row(me, 3, read_at=timezone.now()), _row(me, 4, channel="email")
    _row(someone_else, 5)
    with django_assert_num_queries(1):
        html = _badge(me)
    assert 'data-testid="unread-badge"' in html and ">2<" in html


def test_badge_without_unread_shows_no_count_and_nothing_when_signed_out(me):
    from django.contrib.auth.models import AnonymousUser

    assert "badge" not in _badge(me).replace("unread-badge", "")
    assert _badge(AnonymousUser()).strip() == ""


def test_the_lazy_badge_answers_its_count_and_leaves_the_navbar_alone_once_signed_out(client, me):
    _row(me, 1)
    client.force_login(me)
    signed_in = client.get("/notifications/badge/", HTTP_HX_REQUEST="true")
    assert signed_in.status_code == 200 and b">1<" in signed_in.content
    client.logout()
    signed_out = client.get("/notifications/badge/", HTTP_HX_REQUEST="true")
    # 204: htmx swaps nothing, so the sign-in page never lands inside the navbar.
    assert signed_out.status_code == 204 and signed_out.content == b""


def test_signed_out_centre_redirects(client):
    assert client.get(CENTRE).status_code == 302


@pytest.mark.parametrize("size", [3, 30])
def test_centre_query_count_does_not_grow(client, me, size, django_assert_max_num_queries):
    for n in range(size):
        _row(me, n)
    client.force_login(me)
    # session, user, memberships, page count, page rows; one more for the navbar badge
    with django_assert_max_num_queries(6):
        response = client.get(CENTRE)
    assert len(response.context["page"].object_list) == min(size, 20)


def test_pages_fetch_the_unread_badge_after_load_without_a_query(client, clinic):
    from accounts.models import Role
    from tests.factories import member

    user = member(Role.CLINICIAN, clinic)
    client.force_login(user)

    page = client.get("/caseload/").content.decode()
    badge = client.get("/notifications/badge/").content.decode()

    assert 'hx-get="/notifications/badge/"' in page
    assert 'data-testid="unread-badge"' in badge and "hx-get" not in badge
