"""Acknowledging or resolving an alert says who did it and when, keeps focus on the alert, and
updates the chart's banner and the count of open alerts in the same response (htmx) or on the
page it returns to (no JavaScript)."""

import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.dates import moment
from patients.models import Alert, AlertKind, AlertSeverity
from patients.services import alert_acknowledge, alert_raise

pytestmark = pytest.mark.django_db

NOW = "2026-03-10 15:04Z"


def _alert(patient, source: str = "checkin:1", severity: str = AlertSeverity.HIGH) -> Alert:
    return alert_raise(
        patient=patient,
        kind=AlertKind.HIGH_CRAVING,
        message="Craving 9 of 10.",
        source=source,
        severity=severity,
    )


def _when(user, value) -> str:
    """The moment as the viewer reads it (their own zone)."""
    with timezone.override(ZoneInfo(user.time_zone)):
        return moment(value)


def _oob(html: str, element_id: str) -> str:
    match = re.search(
        rf'<(\w+) id="{element_id}"[^>]*hx-swap-oob="true"[^>]*>(.*?)</\1>\s*$', html, re.S | re.M
    )
    assert match, f"no out-of-band #{element_id}"
    return match.group(2)


@time_machine.travel(NOW, tick=False)
def test_htmx_acknowledge_shows_who_and_when_and_updates_the_banner(
    client, patient, team_clinician
):
    alert = _alert(patient)
    client.force_login(team_clinician)
    before = client.get(reverse("patients:alerts", args=[patient.pk])).content.decode()
    assert "1 high-severity alert is open" in before

    response = client.post(
        reverse("patients:alert_acknowledge", args=[patient.pk, alert.pk]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    alert.refresh_from_db()
    assert response.status_code == 200 and "<html" not in html
    card = html.split("</article>")[0]
    assert f'id="alert-{alert.pk}"' in card
    state = re.search(r'data-testid="alert-state"[^>]*>(.*?)</div>', card, re.S)
    assert "data-focus-after-swap" in state.group(0)
    text = " ".join(state.group(1).split())
    assert (
        f"Acknowledged by Chris Alvarez on {_when(team_clinician, alert.acknowledged_at)}" in text
    )
    banner = " ".join(_oob(html, "chart-alert-banner").split())
    assert "is open" not in banner
    assert "1 high-severity alert is acknowledged and still to be resolved" in banner
    summary = " ".join(_oob(html, "alert-summary").split())
    assert "0 waiting to be acknowledged" in summary
    assert "1 acknowledged, still to be resolved" in summary


@time_machine.travel(NOW, tick=False)
def test_acknowledge_without_javascript_confirms_at_the_alert(client, patient, team_clinician):
    alert = _alert(patient)
    client.force_login(team_clinician)

    response = client.post(reverse("patients:alert_acknowledge", args=[patient.pk, alert.pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(f"/alerts/#alert-{alert.pk}")
    page = client.get(response["Location"].split("#")[0]).content.decode()
    card = page[page.index(f'id="alert-{alert.pk}"') :].split("</article>")[0]
    assert 'data-feedback="alert-' in card and "Acknowledged." in card
    alert.refresh_from_db()
    assert f"Acknowledged by Chris Alvarez on {_when(team_clinician, alert.acknowledged_at)}" in (
        " ".join(card.split())
    )
    header = page[page.index('id="chart-alert-banner"') :].split("</header>")[0]
    assert "is open" not in header and "acknowledged and still to be resolved" in header


@time_machine.travel(NOW, tick=False)
def test_htmx_resolve_shows_who_and_when_and_clears_the_banner(client, patient, team_clinician):
    alert = _alert(patient)
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:alert_resolve", args=[patient.pk, alert.pk]),
        {"comment": "Called them; safe tonight."},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    alert.refresh_from_db()
    state = re.search(r'data-testid="alert-state"[^>]*>(.*?)</div>', html, re.S)
    assert "data-focus-after-swap" in state.group(0)
    text = " ".join(state.group(1).split())
    assert f"Resolved by Chris Alvarez on {_when(team_clinician, alert.resolved_at)}" in text
    assert "Called them; safe tonight." in text
    assert "high-severity" not in _oob(html, "chart-alert-banner")
    assert "No alert is waiting for the care team." in _oob(html, "alert-summary")


def test_htmx_resolve_without_a_comment_focuses_the_comment(client, patient, team_clinician):
    alert = _alert(patient)
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:alert_resolve", args=[patient.pk, alert.pk]),
        {"comment": "  "},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    field = re.search(r'<input[^>]*name="comment"[^>]*>', html, re.S).group(0)
    assert "data-focus-after-swap" in field and 'aria-invalid="true"' in field
    assert "Say how the alert was resolved" in html
    assert "data-focus-after-swap" not in html.replace(field, "")
    alert.refresh_from_db()
    assert alert.status == "open"


def test_acknowledging_twice_says_so_in_the_card(client, patient, team_clinician, colleague):
    from patients.models import TeamRole
    from patients.services import care_team_add

    alert = _alert(patient)
    care_team_add(
        patient=patient, clinician=colleague, team_role=TeamRole.PRESCRIBER, actor=team_clinician
    )
    alert_acknowledge(alert=alert, actor=colleague)  # a colleague was quicker
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:alert_acknowledge", args=[patient.pk, alert.pk]), HTTP_HX_REQUEST="true"
    )

    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Only an open alert can be acknowledged." in html
    assert "Acknowledged by Robin Mbeki on" in html


def test_the_alerts_tab_without_alerts_says_what_happens_next(client, patient, team_clinician):
    client.force_login(team_clinician)

    page = client.get(reverse("patients:alerts", args=[patient.pk])).content.decode()

    assert 'data-testid="alerts-empty"' in page
    assert reverse("coping:checkins", args=[patient.pk]) in page
