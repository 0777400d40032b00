"""Writes of engagement's features: the help button (a request, "I'm on it"), the celebration
kit (writing and reviewing a message), the digest settings and the escalation ladder (who may
be asked, the clinic's policy, "I reached out"). Each takes keyword-only arguments, runs in one
transaction, writes its audit event there, and raises ValidationError with field names for bad
input. The messages they send are composed by the feature modules (help, celebrations)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organization, User
from audit.models import Action
from audit.services import audit_record
from engagement.access import may_review
from engagement.celebrations import (
    card_if_the_day_has_come,
    digest,
    flag_terms,
    milestone_of,
    writable_milestones,
)
from engagement.help import HELP_SCOPE, REPEAT_WITHIN, ask_supporter, tell_care_team, tell_patient
from engagement.ladder import LADDER_SCOPE
from engagement.models import (
    CelebrationMessage,
    CelebrationStatus,
    DigestMode,
    DigestSubscription,
    HelpAcknowledgement,
    HelpRequest,
    LadderPolicy,
    LadderStep,
    PatientEngagement,
)
from engagement.models import HelpRequestRecipient as Asked
from engagement.selectors import crisis_plan_for
from engagement.signals import help_requested
from networks.consent import consented_scopes
from networks.models import ContactStatus, Scope, SupportContact
from notifications.planner import Planner
from patients.access import has_emergency_access, is_on_care_team
from patients.models import AlertKind, AlertSeverity, AlertStatus, Patient
from patients.services import alert_acknowledge, alert_raise


def ladder_step_act(
    *,
    step: LadderStep,
    user: User | None = None,
    contact: SupportContact | None = None,
    request: HttpRequest | None = None,
) -> bool:
    """Record that someone reached out on this step. The first one is recorded on the step
    (a conditional update: two clicks, one record); every act is audited. Returns whether this
    one was the first."""
    patient = step.ladder.patient
    with transaction.atomic():
        first = LadderStep.objects.filter(pk=step.pk, acted_at__isnull=True).update(
            acted_at=timezone.now(), acted_by_user=user, acted_by_contact=contact
        )
        audit_record(
            action=Action.UPDATE,
            request=request,
            actor=user or (contact and contact.user),
            clinic=patient.clinic,
            target=step,
            patient=patient,
            details={
                "reached_out": "supporter" if contact else "care team",
                "recorded_first": bool(first),
            },
        )
    step.refresh_from_db()
    return first == 1


def staff_step_act(*, step: LadderStep, user: User, request: HttpRequest | None = None) -> bool:
    """A member of the care team reached out. Only on an open ladder."""
    if step.ladder.closed_at is not None:
        raise ValidationError(_("This ladder is closed already: nothing more to do."))
    return ladder_step_act(step=step, user=user, request=request)


def ladder_contact_set(
    *,
    patient: Patient,
    contact: SupportContact | None,
    actor: User,
    request: HttpRequest | None = None,
) -> PatientEngagement:
    """Who may be asked to reach out if the person goes quiet (None: nobody)."""
    if contact is not None and (
        contact.patient_id != patient.pk or LADDER_SCOPE not in consented_scopes(contact)
    ):
        raise ValidationError({"contact": _("Choose someone who can see your check-in summaries.")})
    with transaction.atomic():
        engagement, _created = PatientEngagement.objects.get_or_create(patient=patient)
        engagement.ladder_contact = contact
        engagement.save(update_fields=["ladder_contact", "updated_at"])
        audit_record(
            action=Action.UPDATE,
            request=request,
            actor=actor,
            clinic=patient.clinic,
            target=engagement,
            patient=patient,
            details={"ladder_contact": contact.pk if contact else None},
        )
    return engagement


def policy_save(
    *,
    clinic: Organization,
    enabled: bool,
    supporter_after_days: int,
    clinician_after_days: int,
    actor: User,
    request: HttpRequest | None = None,
) -> LadderPolicy:
    """Save the clinic's ladder; the days must climb after the clinic's first-rung setting."""
    errors: dict[str, list[str]] = {}
    if supporter_after_days <= clinic.missed_checkin_days:
        errors["supporter_after_days"] = [
            _("Ask a supporter later than the first nudge (day %(days)d).")
            % {"days": clinic.missed_checkin_days}
        ]
    if clinician_after_days <= supporter_after_days:
        errors["clinician_after_days"] = [
            _("Add the clinician's task later than the supporter's step.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy, _created = LadderPolicy.objects.select_for_update().get_or_create(clinic=clinic)
        policy.enabled = enabled
        policy.supporter_after_days = supporter_after_days
        policy.clinician_after_days = clinician_after_days
        policy.full_clean()
        policy.save()
        audit_record(
            action=Action.UPDATE,
            request=request,
            actor=actor,
            clinic=clinic,
            target=policy,
            details={
                "enabled": enabled,
                "supporter_after_days": supporter_after_days,
                "clinician_after_days": clinician_after_days,
            },
        )
    return policy


@transaction.atomic
def digest_subscription_save(
    *,
    contact: SupportContact,
    enabled: bool,
    weekday: int,
    send_time: time,
    request: HttpRequest | None = None,
) -> DigestSubscription:
    subscription, _created = DigestSubscription.objects.update_or_create(
        contact=contact,
        defaults={"enabled": bool(enabled), "weekday": int(weekday), "send_time": send_time},
    )
    audit_record(
        action=Action.UPDATE,
        request=request,
        clinic=contact.patient.clinic,
        target=subscription,
        patient=contact.patient,
        details={
            "digest": {
                "enabled": subscription.enabled,
                "weekday": subscription.weekday,
                "send_time": send_time.strftime("%H:%M"),
            }
        },
    )
    return subscription


@transaction.atomic
def digest_mode_set(
    *, patient: Patient, mode: str, request: HttpRequest | None = None
) -> PatientEngagement:
    if mode not in DigestMode.values:
        raise ValidationError({"digest_mode": _("Choose one of the options.")})
    engagement, _created = PatientEngagement.objects.update_or_create(
        patient=patient, defaults={"digest_mode": mode}
    )
    audit_record(
        action=Action.UPDATE,
        request=request,
        clinic=patient.clinic,
        target=engagement,
        patient=patient,
        details={"digest_mode": mode},
    )
    return engagement


def _audit(
    action: str,
    request: HttpRequest | None,
    actor: User | None,
    celebration: CelebrationMessage,
    **details: object,
) -> None:
    patient = celebration.patient
    audit_record(
        action=action,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=celebration,
        patient=patient,
        details=details,
    )


def celebration_write(
    *,
    contact: SupportContact,
    key: str,
    day: date,
    message: str,
    request: HttpRequest | None = None,
    via_link: bool = False,
) -> CelebrationMessage:
    """Write, or rewrite while it waits for review, this supporter's message for a milestone."""
    if Scope.MILESTONES not in consented_scopes(contact):
        raise ValidationError({"message": _("Milestones are not shared with you.")})
    patient = contact.patient
    text = (message or "").strip()
    if not text:
        raise ValidationError({"message": _("Write a few words.")})
    if len(text) > CelebrationMessage.MAX_LENGTH:
        raise ValidationError(
            {
                "message": _("Keep it to %(max)d characters.")
                % {"max": CelebrationMessage.MAX_LENGTH}
            }
        )
    milestone = milestone_of(patient, key, day)
    if milestone is None or milestone not in writable_milestones(patient):
        raise ValidationError(
            {"message": _("This milestone is not open for messages any more. Thank you!")}
        )
    flags = flag_terms(text)
    with transaction.atomic():
        existing = (
            CelebrationMessage.objects.select_for_update()
            .filter(contact=contact, milestone_key=key, milestone_date=day)
            .first()
        )
        if existing is not None:
            if existing.status != CelebrationStatus.PENDING:
                raise ValidationError(
                    {
                        "message": _(
                            "Your message was already reviewed, so it cannot be changed now."
                        )
                    }
                )
            existing.message, existing.flags = text, flags
            existing.save(update_fields=["message", "flags", "updated_at"])
            _audit(
                Action.UPDATE,
                request,
                contact.user,
                existing,
                contact=contact.pk,
                via_link=via_link,
            )
            return existing
        try:
            with transaction.atomic():
                celebration = CelebrationMessage.objects.create(
                    patient=patient,
                    contact=contact,
                    milestone_key=key,
                    milestone_date=day,
                    message=text,
                    flags=flags,
                )
        except IntegrityError:  # written at the same moment from another tab
            raise ValidationError(
                {"message": _("Your message was just saved from elsewhere. Please reload.")}
            ) from None
        _audit(
            Action.CREATE,
            request,
            contact.user,
            celebration,
            contact=contact.pk,
            via_link=via_link,
        )
    return celebration


def celebration_review(
    *,
    celebration: CelebrationMessage,
    actor: User,
    approve: bool,
    seen: str,
    request: HttpRequest | None = None,
) -> CelebrationMessage:
    """Approve or decline a message (a decision can be changed later). `seen` is the digest of
    the words the reviewer read: if the supporter changed them meanwhile, nothing happens."""
    patient = celebration.patient
    if not may_review(actor, patient):
        raise PermissionDenied
    status = CelebrationStatus.APPROVED if approve else CelebrationStatus.DECLINED
    with transaction.atomic():
        current = CelebrationMessage.objects.select_for_update().get(pk=celebration.pk)
        if digest(current.message) != seen:
            raise ValidationError(
                _("This message was changed after you opened the page. Please read it again.")
            )
        current.status, current.reviewed_by, current.reviewed_at = status, actor, timezone.now()
        current.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
        _audit(Action.UPDATE, request, actor, current, decision=status)
        if approve:
            card_if_the_day_has_come(current)
    return current


def _check_askable(patient: Patient, contacts: list[SupportContact]) -> None:
    foreign = [c for c in contacts if c.patient_id != patient.pk]
    if foreign:
        raise ValidationError({"contacts": _("Choose people from your own network.")})
    unable = [
        c
        for c in contacts
        if c.status != ContactStatus.ACTIVE or HELP_SCOPE not in consented_scopes(c)
    ]
    if unable:
        names = ", ".join(c.name for c in unable)
        raise ValidationError(
            {
                "contacts": _(
                    "%(names)s cannot be asked: they need to be active in your network, with your "
                    "consent to see your coping plan."
                )
                % {"names": names}
            }
        )


def help_request_send(
    *,
    patient: Patient,
    contacts: Iterable[SupportContact],
    actor: User,
    request: HttpRequest | None = None,
) -> HelpRequest:
    """Ask the chosen supporters for help and alert the care team, in one transaction. With no
    supporters chosen it still alerts the care team. Within REPEAT_WITHIN of the last press the
    open request is reused: only people not asked yet are messaged, the team is not told twice.

    The returned request carries `reused` (bool) and `newly_asked` (the contacts messaged now).
    """
    if patient.user_id is None or actor.pk != patient.user_id:
        raise ValidationError({"contacts": _("Only the person in recovery can ask for help here.")})
    chosen = list({contact.pk: contact for contact in contacts}.values())
    with transaction.atomic():
        # One press at a time per person: a double tap waits here, then finds the open request.
        Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk").first()
        _check_askable(patient, chosen)
        help_request = patient.help_requests.filter(
            created_at__gt=timezone.now() - REPEAT_WITHIN
        ).first()
        reused = help_request is not None
        planner = Planner(timezone.now())
        if help_request is None:
            help_request = HelpRequest.objects.create(patient=patient, created_by=actor)
            count = len(chosen)
            message = (
                ngettext(
                    "%(name)s pressed the help button and asked %(count)d supporter for help.",
                    "%(name)s pressed the help button and asked %(count)d supporters for help.",
                    count,
                )
                if count
                else _("%(name)s pressed the help button and asked the care team for help.")
            ) % {"name": patient.display_name, "count": count}
            help_request.alert = alert_raise(
                patient=patient,
                kind=AlertKind.HELP_REQUESTED,
                severity=AlertSeverity.HIGH,
                message=message,
                source=f"help:{help_request.pk}",
            )
            help_request.save(update_fields=["alert"])
            tell_care_team(help_request, planner)
            help_requested.send(sender=HelpRequest, help_request=help_request)
        already = set(help_request.recipients.values_list("contact_id", flat=True))
        new = [contact for contact in chosen if contact.pk not in already]
        if new:
            emergency = crisis_plan_for(patient)["local_emergency_number"]
            for contact in new:
                Asked.objects.create(request=help_request, contact=contact)
                ask_supporter(help_request, contact, planner, emergency)
        audit_record(
            action=Action.UPDATE if reused else Action.CREATE,
            request=request,
            actor=actor,
            clinic=patient.clinic,
            target=help_request,
            patient=patient,
            details={"help_request": True, "asked": [c.pk for c in new], "repeat": reused},
        )
    help_request.reused = reused
    help_request.newly_asked = new
    return help_request


def help_acknowledge(
    *,
    help_request: HelpRequest,
    contact: SupportContact | None = None,
    user: User | None = None,
    request: HttpRequest | None = None,
) -> HelpAcknowledgement:
    """ "I'm on it" from a supporter who was asked (with the coping plan still shared) or from a
    member of the care team. Idempotent: a second answer returns the first (`is_new` False) and
    tells nobody again. The person is told in the app; a care-team answer also acknowledges an
    open alert."""
    if (contact is None) == (user is None):
        raise ValueError("Give a contact or a user, not both.")
    patient = help_request.patient
    if contact is not None:
        asked = help_request.recipients.filter(contact=contact).exists()
        if contact.patient_id != patient.pk or not asked:
            raise ValidationError(_("This request for help was not sent to you."))
        if HELP_SCOPE not in consented_scopes(contact):
            raise ValidationError(_("This is no longer shared with you."))
    elif not (is_on_care_team(user, patient) or has_emergency_access(user, patient)):
        raise ValidationError(_("Only the care team can answer this request."))
    who = {"contact": contact} if contact is not None else {"user": user}
    with transaction.atomic():
        try:
            with transaction.atomic():
                ack = HelpAcknowledgement.objects.create(request=help_request, **who)
        except IntegrityError:
            ack = HelpAcknowledgement.objects.get(request=help_request, **who)
            ack.is_new = False
            return ack
        ack.is_new = True
        if contact is not None:
            Asked.objects.filter(
                request=help_request, contact=contact, acknowledged_at__isnull=True
            ).update(acknowledged_at=ack.created_at)
        else:
            alert = help_request.alert
            if alert is not None and alert.status == AlertStatus.OPEN:
                alert_acknowledge(alert=alert, actor=user, request=request)
        tell_patient(help_request, ack)
        audit_record(
            action=Action.CREATE,
            request=request,
            actor=contact.user if contact is not None else user,
            clinic=patient.clinic,
            target=ack,
            patient=patient,
            details={"on_it": True, "help_request": help_request.pk},
        )
    return ack
