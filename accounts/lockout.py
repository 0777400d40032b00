"""Locked accounts: who is locked after failed sign-ins, the page a locked person sees, and the
clinic admin's unlock.

django-axes owns the lockout (settings: AXES_FAILURE_LIMIT failures lock an account for
AXES_COOLOFF_TIME); it counts failures per email address in its AccessAttempt table, which every
web worker shares. An address nobody has is locked the same way, so the page never tells whether
an account exists.
"""

from datetime import datetime

from allauth.account.signals import password_reset
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.models import Membership, Organization, Role, User
from accounts.signin_audit import only_clinic
from audit.models import Action
from audit.services import audit_record

LOCKED_TEMPLATE = "account/locked_out.html"


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The email address a sign-in attempt names, as accounts store it (lower case), so that
    "Robin@x" and "robin@x" count against the same account. allauth authenticates with
    `email=`; its form posts `login`."""
    attempted = None
    if credentials:
        attempted = credentials.get("email") or credentials.get("username")
    if attempted is None:
        attempted = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    attempted = str(attempted or "").strip().lower()
    return attempted or None


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """What a locked account sees instead of the sign-in form: a page that says what happened,
    for how long, and what to do (axes calls this for every attempt while locked)."""
    response = render(request, LOCKED_TEMPLATE, {"minutes": cooloff_minutes()}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def _failures_since(emails: list[str], since: datetime) -> dict[str, tuple[int, datetime]]:
    rows = (
        AccessAttempt.objects.filter(username__in=emails, attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    )
    return {row["username"]: (row["failures"], row["latest"]) for row in rows}


def locked_until(emails: list[str]) -> dict[str, datetime]:
    """For each of `emails` that is locked now, when its lock ends (one query)."""
    now = timezone.now()
    counts = _failures_since([email.lower() for email in emails], now - settings.AXES_COOLOFF_TIME)
    return {
        email: latest + settings.AXES_COOLOFF_TIME
        for email, (failures, latest) in counts.items()
        if failures >= settings.AXES_FAILURE_LIMIT
    }


def members_of(clinic: Organization) -> QuerySet[User]:
    """The people with an active membership in `clinic`: whose locks its admin sees and ends
    (someone whose membership ended is no longer this clinic's to unlock)."""
    return User.objects.filter(
        pk__in=Membership.objects.active().filter(organization=clinic).values("user_id")
    )


def locked_members(clinic: Organization) -> list[tuple[User, datetime]]:
    """People of `clinic` (any role, with an active membership) whose account is locked now,
    with the time the lock ends."""
    people = {user.email: user for user in members_of(clinic)}
    until = locked_until(list(people))
    return sorted(((people[email], end) for email, end in until.items()), key=lambda row: row[1])


@transaction.atomic
def account_unlock(*, person: User, request: HttpRequest) -> int:
    """End the lock of `person`'s account now (a clinic admin's action); audited."""
    removed = axes_reset(username=person.email)
    audit_record(
        action=Action.ACCOUNT_UNLOCKED,
        request=request,
        target=person,
        details={"email": person.email, "attempts_cleared": removed},
    )
    return removed


@receiver(user_locked_out, dispatch_uid="accounts_audit_lockout")
def _audit_lockout(
    sender: object, request: HttpRequest, username: str | None, **kwargs: object
) -> None:
    # axes signals every attempt while locked; the event is the moment the lock began.
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    email = (username or "")[:254]
    person = User.objects.filter(email=email).first()
    audit_record(
        action=Action.ACCOUNT_LOCKED,
        request=request,
        clinic=only_clinic(Membership.objects.filter(user__email=email)),
        target=person,
        details={"email": email, "minutes": cooloff_minutes()},
    )


@receiver(password_reset, dispatch_uid="accounts_reset_unlocks")
def _password_reset_unlocks(
    sender: object, request: HttpRequest, user: User, **kwargs: object
) -> None:
    # Proving the address by email is what the lock protects: a reset ends it.
    axes_reset(username=user.email)


# --- The clinic admin's page -----------------------------------------------------------------


@role_required(Role.ADMIN)
def locked_accounts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "clinic_admin/locked_accounts.html",
        {"locked": locked_members(request.clinic), "minutes": cooloff_minutes()},
    )


@role_required(Role.ADMIN)
@require_POST
def person_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    """Unlock a person of this clinic; 404 for anyone else (another clinic's people, or nobody)."""
    person = get_object_or_404(members_of(request.clinic), pk=user_id)
    account_unlock(person=person, request=request)
    return feedback_redirect(
        request,
        reverse("clinic_admin:locked_accounts"),
        _("%(name)s can sign in again.") % {"name": person.display_name},
        at="locked-accounts",
    )
