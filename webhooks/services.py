"""Writes of the webhooks app: a clinic admin adds, changes, turns off and removes an endpoint
and sends it a test event. Each takes keyword-only arguments, runs in one transaction, writes its
audit event there (never the secret), and raises ValidationError naming the field."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from audit.models import Action
from audit.services import audit_record
from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.safety import UnsafeAddress, check_url
from webhooks.signing import encrypt_secret, new_secret

SUBSCRIBABLE = {value for value, _label in WebhookEvent.subscribable()}
MAX_ENDPOINTS = 20  # per clinic


def _clean(url: str, events: list[str], errors: dict[str, list[str]]) -> tuple[str, list[str]]:
    url = (url or "").strip()
    if not url:
        errors["url"] = [_("Enter the address that receives the events.")]
    elif len(url) > 500:
        errors["url"] = [_("Keep the address under 500 characters.")]
    else:
        try:
            check_url(url)
        except UnsafeAddress as exc:
            errors["url"] = [str(exc)]
    chosen = list(dict.fromkeys(events or []))
    if not chosen or any(event not in SUBSCRIBABLE for event in chosen):
        errors["events"] = [_("Choose at least one event.")]
    return url, sorted(chosen)


def _audit(
    action: str, endpoint: WebhookEndpoint, actor: User, request: HttpRequest | None, **details
) -> None:
    audit_record(
        action=action,
        request=request,
        actor=actor,
        clinic=endpoint.clinic,
        target=endpoint,
        details={"webhook": True, **details},
    )


@transaction.atomic
def endpoint_create(
    *,
    clinic: Organization,
    actor: User,
    url: str,
    events: list[str],
    description: str = "",
    request: HttpRequest | None = None,
) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its signing secret (returned once, stored encrypted)."""
    errors: dict[str, list[str]] = {}
    url, chosen = _clean(url, events, errors)
    if WebhookEndpoint.objects.filter(clinic=clinic).count() >= MAX_ENDPOINTS:
        errors["url"] = [_("A clinic can have up to %(max)d endpoints.") % {"max": MAX_ENDPOINTS}]
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        clinic=clinic,
        url=url,
        events=chosen,
        description=(description or "").strip()[:120],
        secret_encrypted=encrypt_secret(secret),
        created_by=actor,
    )
    _audit(Action.CREATE, endpoint, actor, request, url=url, events=chosen)
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor: User,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
    request: HttpRequest | None = None,
) -> WebhookEndpoint:
    """Change what was given (None leaves a field as it is)."""
    errors: dict[str, list[str]] = {}
    new_url, chosen = _clean(
        endpoint.url if url is None else url,
        endpoint.events if events is None else events,
        errors,
    )
    if errors:
        raise ValidationError(errors)
    changes: dict[str, object] = {}
    for name, value in (
        ("url", new_url),
        ("events", chosen),
        ("description", None if description is None else description.strip()[:120]),
        ("active", active),
    ):
        if value is not None and getattr(endpoint, name) != value:
            changes[name] = value
            setattr(endpoint, name, value)
    if changes:
        endpoint.save()
        _audit(Action.UPDATE, endpoint, actor, request, changed=changes)
    return endpoint


def endpoint_set_active(
    *, endpoint: WebhookEndpoint, actor: User, active: bool, request: HttpRequest | None = None
) -> WebhookEndpoint:
    return endpoint_update(endpoint=endpoint, actor=actor, active=active, request=request)


@transaction.atomic
def endpoint_delete(
    *, endpoint: WebhookEndpoint, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove the endpoint and its delivery log."""
    _audit(Action.DELETE, endpoint, actor, request, url=endpoint.url)
    endpoint.delete()


@transaction.atomic
def endpoint_test(
    *, endpoint: WebhookEndpoint, actor: User, request: HttpRequest | None = None
) -> WebhookDelivery:
    """Send a `ping` event now (queued after commit), whatever the endpoint subscribed to."""
    if not endpoint.active:
        raise ValidationError({"active": _("Turn the endpoint on before sending a test event.")})
    (row,) = delivery.record_for(
        [endpoint], event=WebhookEvent.PING, body=delivery.ping_body(endpoint)
    )
    _audit(Action.UPDATE, endpoint, actor, request, test_event=row.pk)
    return row
