"""The dashboard's last-30-days tiles, each linking to its report."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert
from tests.factories import AlertFactory, PatientFactory
from tests.reports.conftest import checkin

pytestmark = pytest.mark.django_db


def test_tiles_show_adherence_and_open_alerts_by_age(admin_signed_in, clinic, other_clinic):
    patient = PatientFactory(clinic=clinic)
    checkin(patient, timezone.localdate())
    AlertFactory(patient=patient)
    old = AlertFactory(patient=patient)
    Alert.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))
    AlertFactory(patient=PatientFactory(clinic=other_clinic))
    response = admin_signed_in.get(reverse("reports:dashboard"))
    html = response.content.decode()
    tiles = response.context["tiles"]
    assert tiles["alerts"] == {"day": 1, "week": 0, "older": 1}
    assert tiles["adherence_patients"] == 1
    for slug in ("census", "adherence", "caseload", "milestones", "network", "delivery"):
        assert reverse("reports:report", args=[slug]) in html


# Session, membership, overview (4), tiles (alerts, delivery, adherence's totals 3,
# milestones' 3, network's engagement totals 9) and the page's own few.
DASHBOARD_QUERIES = 24


def _patients_with_history(clinic: object, count: int) -> None:
    today = timezone.localdate()
    for _ in range(count):
        patient = PatientFactory(clinic=clinic)
        AlertFactory(patient=patient)
        for days_ago in (0, 3, 10):
            checkin(patient, today - timedelta(days=days_ago))


def test_the_dashboard_query_count_does_not_grow(
    admin_signed_in, clinic, django_assert_max_num_queries
):
    """The same number of queries at 5 and at 50 patients with check-ins and alerts."""
    _patients_with_history(clinic, 5)
    with CaptureQueriesContext(connection) as small:
        admin_signed_in.get(reverse("reports:dashboard"))
    _patients_with_history(clinic, 45)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as large:
        response = admin_signed_in.get(reverse("reports:dashboard"))
    assert response.context["tiles"]["adherence_patients"] == 50
    assert len(large.captured_queries) == len(small.captured_queries)


def test_tiles_show_milestones_reached_and_network_engagement(admin_signed_in, clinic):
    """Two milestones in the last 30 days (a 30-day one 10 days ago, a 90-day one 10 days ago;
    the second person's 30-day one was 70 days ago), and two active supporters of one person,
    one with a consent; each tile's figures are its report's."""
    from accounts.models import Role
    from reports.filters import default_filters
    from reports.registry import REPORTS
    from tests.engagement.conftest import add_supporter, grant
    from tests.factories import member

    today = timezone.localdate()
    first = PatientFactory(
        clinic=clinic, recovery_start=today - timedelta(days=40), user=member(Role.PATIENT, clinic)
    )
    PatientFactory(clinic=clinic, recovery_start=today - timedelta(days=100))
    PatientFactory(clinic=clinic, recovery_start=today - timedelta(days=5))  # nothing yet
    grant(add_supporter(first, "Rosa Ortiz", "rosa@example.org"), ["milestones"])
    add_supporter(first, "Lee Park", "lee@example.org")  # active, nothing shared yet

    response = admin_signed_in.get(reverse("reports:dashboard"))

    tiles = response.context["tiles"]
    assert (
        tiles["milestones"]["total"],
        tiles["milestones"]["d30"],
        tiles["milestones"]["d90"],
    ) == (2, 1, 1)
    network_tile = tiles["network"]
    assert (
        network_tile["active"],
        network_tile["patients_networked"],
        network_tile["consents"],
    ) == (2, 1, 1)
    filters = default_filters(clinic)
    network = REPORTS["network"].build(clinic, filters).table("programs").totals
    assert tiles["network"] == network
    html = response.content.decode()
    assert 'data-testid="tile-milestones">2<' in html
    assert "People in networks (active): 2" in html


def test_the_supporter_figures_say_what_they_count(admin_signed_in, clinic):
    """Accounts and network members are different figures: one supporter with a sign-in, two
    people active in networks (one of them without a sign-in); each tile names its own and the
    network figure is the network report's "Active supporters, today"."""
    from accounts.models import Role
    from tests.engagement.conftest import add_supporter
    from tests.factories import member

    first = PatientFactory(clinic=clinic, user=member(Role.PATIENT, clinic))
    add_supporter(first, "Rosa Ortiz", "rosa@example.org")  # with a sign-in
    add_supporter(first, "Lee Park", "lee@example.org", account=False)  # by email only

    html = admin_signed_in.get(reverse("reports:dashboard")).content.decode()

    assert 'data-testid="tile-supporter-accounts">1<' in html
    assert "Supporters with a sign-in" in html
    assert "People in networks (active): 2" in html
    assert "Active supporters, today" in html  # the explanation names the report's column
    assert ">Supporters<" not in html and "Active supporters today:" not in html
