import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from audit.models import Action, AuditEvent
from tests.factories import PASSWORD, member, sign_in_through_form

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_lands_on_the_role_home_and_is_audited(client, clinic):
    user = member(Role.CLINICIAN, clinic, email="casey@harbor.example")

    response = sign_in_through_form(client, "Casey@Harbor.example")  # password, then the code

    assert response.status_code == 302
    assert client.get(response.url).url == reverse("patients:caseload")
    assert AuditEvent.objects.filter(actor=user, action=Action.LOGIN).exists()


def test_failed_sign_in_shows_an_error_and_is_audited(client, clinic):
    member(Role.CLINICIAN, clinic, email="casey@harbor.example")

    response = client.post(
        reverse("account_login"), {"login": "casey@harbor.example", "password": "wrong"}
    )

    assert response.status_code == 200
    assert b"not correct" in response.content
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.details["email"] == "casey@harbor.example"


def test_empty_sign_in_form_shows_field_errors_not_a_500(client):
    response = client.post(reverse("account_login"), {})

    assert response.status_code == 200
    assert b"This field is required" in response.content


def test_password_reset_sends_an_email(client, clinic, django_capture_on_commit_callbacks):
    member(Role.SUPPORTER, clinic, email="pat@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "pat@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@example.org"]
    from notifications.models import Notification

    assert Notification.objects.get(kind="account").status == "sent"  # through the outbox


def test_open_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert not User.objects.filter(email="new@example.org").exists()
    assert response.status_code == 200
    assert b"Sign Up Closed" in response.content or b"closed" in response.content.lower()


def test_two_factor_settings_are_available_to_a_signed_in_user(client, clinician):
    client.force_login(clinician)

    response = client.get(reverse("mfa_index"))

    assert response.status_code == 200
    assert b"Authenticator" in response.content


def test_sign_out_is_audited(client, clinician):
    client.force_login(clinician)

    client.post(reverse("account_logout"))

    assert AuditEvent.objects.filter(actor=clinician, action=Action.LOGOUT).exists()


def test_emails_are_unique_whatever_their_case(clinic):
    from django.db import IntegrityError, transaction

    member(Role.CLINICIAN, clinic, email="robin@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ROBIN@example.org", PASSWORD)


def test_audit_events_are_append_only(clinician):
    event = AuditEvent.objects.create(action=Action.VIEW, actor=clinician)

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action=Action.DELETE)
