"""Pages of notifications: a person's preferences, the one-click unsubscribe (no sign-in), the
in-app notification centre, and the clinic admin's delivery log with retry."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role, timezone_choices
from audit.models import Action
from audit.services import audit_list, audit_record, list_filters
from notifications import outbox
from notifications.models import Channel, Kind, Notification, NotificationPreference, Status
from notifications.preferences import (
    channels_for,
    kind_label,
    preference_for,
    row_from_token,
    unsubscribe,
)
from notifications.selectors import recipient_label, recipient_matches, with_recipients

CENTRE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50


# --- Forms -------------------------------------------------------------------------------------


def _kind_field(kind: str) -> str:
    return f"channels_{kind}"


class PreferenceForm(forms.Form):
    """One checkbox group of channels per kind, quiet hours, pause and unsubscribes."""

    time_zone = forms.ChoiceField(
        label=gettext_lazy("Your time zone"),
        required=False,
        choices=lambda: [("", gettext_lazy("(keep as it is)")), *timezone_choices()],
        help_text=gettext_lazy(
            "Quiet hours, weekly digests and the times in your messages follow it."
        ),
    )
    paused = forms.BooleanField(
        label=gettext_lazy("Pause all notifications"),
        required=False,
        help_text=gettext_lazy("Nothing is sent to you until you turn this off."),
    )
    quiet_hours_start = forms.TimeField(
        label=gettext_lazy("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_hours_end = forms.TimeField(
        label=gettext_lazy("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy(
            "In your own time zone. A period may cross midnight: 22:00 to 07:00."
        ),
    )
    urgent_in_quiet_hours = forms.BooleanField(
        label=gettext_lazy("Let urgent requests for help through during quiet hours"),
        required=False,
        help_text=gettext_lazy(
            "When someone you support presses their help button, you hear about it at once, "
            "even at night."
        ),
    )
    unsubscribed_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Never send me these"),
        required=False,
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Kind.choices:
            self.fields[_kind_field(value)] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=Channel.choices,
                widget=forms.CheckboxSelectMultiple,
            )

    @classmethod
    def initial_from(cls, preference: NotificationPreference) -> dict:
        initial = {
            "paused": preference.paused,
            "quiet_hours_start": preference.quiet_hours_start,
            "quiet_hours_end": preference.quiet_hours_end,
            "urgent_in_quiet_hours": preference.urgent_in_quiet_hours,
            "unsubscribed_kinds": list(preference.unsubscribed_kinds or []),
        }
        for kind in Kind.values:
            initial[_kind_field(kind)] = channels_for(preference, kind)
        return initial

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[_kind_field(kind)] for kind in Kind.values]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if "quiet_hours_start" in data and "quiet_hours_end" in data:
            if (start is None) != (end is None):
                missing = "quiet_hours_end" if end is None else "quiet_hours_start"
                self.add_error(missing, _("Give both times, or neither for no quiet hours."))
            elif start is not None and start == end:
                self.add_error("quiet_hours_end", _("The end must differ from the start."))
        return data

    def apply(self, preference: NotificationPreference) -> None:
        data = self.cleaned_data
        preference.paused = data["paused"]
        preference.quiet_hours_start = data["quiet_hours_start"]
        preference.quiet_hours_end = data["quiet_hours_end"]
        preference.urgent_in_quiet_hours = data["urgent_in_quiet_hours"]
        preference.unsubscribed_kinds = list(data["unsubscribed_kinds"])
        preference.channels = {kind: list(data[_kind_field(kind)]) for kind in Kind.values}


class LogFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *Kind.choices],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        choices=[("", gettext_lazy("All channels")), *Channel.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *Status.choices],
    )
    recipient = forms.CharField(label=gettext_lazy("Recipient"), required=False, max_length=120)
    date_from = forms.DateField(
        label=gettext_lazy("Due from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Due until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        for name, value in (("date_from", start), ("date_to", end)):
            if value is not None and not 1900 <= value.year <= 2199:  # 9999-12-31 + 1 day fails
                self.add_error(name, _("Choose a date between 1900 and 2199."))
        if start and end and start > end and not self.errors:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filter(self, rows: object) -> object:
        data = self.cleaned_data
        for field in ("kind", "channel", "status"):
            if data.get(field):
                rows = rows.filter(**{field: data[field]})
        if data.get("recipient"):
            text = data["recipient"].strip()
            rows = rows.filter(recipient_matches(text))
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            rows = rows.filter(due_at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data.get("date_to"):
            next_day = data["date_to"] + timedelta(days=1)
            rows = rows.filter(due_at__lt=datetime.combine(next_day, time.min, zone))
        return rows


# --- Preferences --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference = preference_for(request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial=PreferenceForm.initial_from(preference) | {"time_zone": request.user.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.apply(preference)
            preference.save()
            zone = form.cleaned_data["time_zone"]
            if zone and zone != request.user.time_zone:
                time_zone_set(request, zone)
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def time_zone_set(request: HttpRequest, zone: str) -> None:
    """The person's own time zone; a person in recovery's record follows it (their check-in
    reminders and milestones are at their local times), audited as a change to the record."""
    from patients.models import Patient

    user = request.user
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    for patient in Patient.objects.filter(user=user).exclude(time_zone=zone):
        before = patient.time_zone
        patient.time_zone = zone
        patient.save(update_fields=["time_zone"])
        audit_record(
            action=Action.UPDATE,
            request=request,
            clinic=patient.clinic,
            target=patient,
            patient=patient,
            details={"field": "time_zone", "from": before, "to": zone},
        )


# --- One-click unsubscribe (no sign-in: the signed token is the permission) ---------------------


@csrf_exempt  # mail providers POST "List-Unsubscribe=One-Click" (RFC 8058) with no token
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    row = row_from_token(token)
    if row is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {"token": token, "kind_label": kind_label(row.kind)}
    if request.method == "GET":
        return render(request, "notifications/unsubscribe_confirm.html", context)
    if not unsubscribe(row):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context["has_account"] = row.recipient_user_id is not None
    return render(request, "notifications/unsubscribe_done.html", context)


# --- In-app notification centre ------------------------------------------------------------------


def _my_in_app(user: object) -> object:
    return Notification.objects.filter(
        recipient_user=user, channel=Channel.IN_APP, status=Status.SENT
    )


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    rows = _my_in_app(request.user).order_by(F("sent_at").desc(nulls_last=True), "-id")
    page = Paginator(rows, CENTRE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/centre.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    row = get_object_or_404(_my_in_app(request.user), pk=notification_id)
    if row.read_at is None:
        row.read_at = timezone.now()
        Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=row.read_at)
    if request.htmx:
        return render(request, "notifications/_centre_item.html", {"row": row, "oob_badge": True})
    return redirect("notifications:centre")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = _my_in_app(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:centre")


# --- Delivery log (clinic admins) ----------------------------------------------------------------


@role_required(Role.ADMIN)
def log(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(clinic=request.clinic)
    form = LogFilterForm(request.GET or None)
    filtered = False
    if form.is_bound and form.is_valid():
        rows = form.filter(rows)
        filtered = any(form.cleaned_data.get(name) for name in form.fields)
    counts = {item["status"]: item["n"] for item in rows.values("status").annotate(n=Count("id"))}
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    listed = with_recipients(rows, request.clinic).order_by("-due_at", "-id")
    page = Paginator(listed, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [(row, recipient_label(row)) for row in page.object_list]
    audit_list(
        list_name="notifications_log",
        request=request,
        filters=list_filters(request.GET),
        patient_ids=[row.patient_id for row in page.object_list],
        rows=len(page.object_list),
    )
    return render(
        request,
        "notifications/log.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "status_counts": status_counts,
            "filtered": filtered,
            "query": request.GET.urlencode(),
        },
    )


@role_required(Role.ADMIN)
@require_POST
def retry(request: HttpRequest, notification_id: int) -> HttpResponse:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, clinic=request.clinic)
            .first()
        )
        if row is None:
            raise Http404
        if row.status != Status.FAILED:
            messages.error(request, _("Only a failed message can be sent again."))
            return redirect(back or "notifications:log")
        Notification.objects.filter(pk=row.pk).update(
            status=Status.PENDING, attempts=0, due_at=timezone.now(), claimed_at=None
        )
        audit_record(
            action=Action.UPDATE,
            request=request,
            target=row,
            patient=row.patient if row.patient_id else None,
            details={
                "change": "notification_retry",
                "kind": row.kind,
                "channel": row.channel,
                "previous_attempts": row.attempts,
            },
        )
        pk = row.pk
        transaction.on_commit(lambda: outbox.queue_dispatch(pk))
    messages.success(request, _("The message will be sent again shortly."))
    return redirect(back or "notifications:log")


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The navbar's unread count, fetched by htmx after the page loads."""
    return render(request, "notifications/_badge_only.html")
