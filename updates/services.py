"""Writes of updates. Each runs in one transaction, checks its rule (ValidationError with field
names), writes its audit event and its outbox rows there.

Messages never carry the update's or a reply's text, on any channel (email, SMS, push or the
in-app list): "Sam posted an update" and a link to the feed, where the text is shown after
sign-in with the redisclosure notice. The text stays where access and consent are checked."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.models import Action
from audit.services import audit_about
from networks.consent import consented_scopes
from networks.models import Scope, SupportContact
from notifications.models import Channel, Kind
from notifications.planner import Planner, Recipient, patient_link, supporter_link
from patients.models import Patient
from updates.access import allowed_audience
from updates.models import Reaction, ReactionKind, Reply, Update, UpdateSeen
from updates.photos import reencode
from updates.rules import CLINICAL_MESSAGE, looks_clinical

NOT_SHARED = gettext_lazy("Updates are not shared with you.")


_audit = audit_about  # an event about the patient, in their clinic


def _checked_text(text: str, *, limit: int, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: [_("Write a few words first.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("Keep it to %(n)s characters.") % {"n": limit}]})
    if looks_clinical(text):
        raise ValidationError({field: [str(CLINICAL_MESSAGE)]})
    return text


# --- Posting, deleting ---------------------------------------------------------------------------


@transaction.atomic
def update_post(
    *,
    patient: Patient,
    author: User,
    text: str,
    audience: list[SupportContact],
    photo: UploadedFile | None = None,
    on_behalf: bool = False,
    request: HttpRequest | None = None,
) -> Update:
    """Post an update to `audience` (contacts of the patient with UPDATES in force) and tell
    each of them by their channel (no text in the message)."""
    errors: dict[str, list[str]] = {}
    try:
        text = _checked_text(text, limit=Update.MAX_LENGTH)
    except ValidationError as error:
        errors.update(error.message_dict)
    allowed = {contact.pk: contact for contact in allowed_audience(patient)}
    chosen = {contact.pk for contact in audience}
    if not chosen:
        errors["audience"] = [_("Choose at least one person to share it with.")]
    elif chosen - set(allowed):
        errors["audience"] = [
            _("Choose only people who may see your updates (their consent includes updates).")
        ]
    clean_photo = None
    if photo:
        try:
            clean_photo = reencode(photo)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    update = Update(patient=patient, author=author, text=text, on_behalf=on_behalf)
    if clean_photo is not None:
        update.photo.save("photo.jpg", clean_photo, save=False)
    try:
        update.save()
        update.audience.set([allowed[pk] for pk in sorted(chosen)])
        _audit(
            Action.CREATE,
            request=request,
            actor=author,
            patient=patient,
            target=update,
            audience=sorted(chosen),
            photo=bool(clean_photo),
            on_behalf=on_behalf,
        )
        _tell_audience(update, [allowed[pk] for pk in sorted(chosen)])
    except BaseException:
        # The rows roll back; the file written above would stay behind, named by no row.
        if update.photo:
            update.photo.storage.delete(update.photo.name)
        raise
    return update


@transaction.atomic
def update_delete(*, update: Update, actor: User, request: HttpRequest | None = None) -> Update:
    """Take an update down (kept for the record, shown to no one); its photo file is removed."""
    if update.deleted_at is not None:
        return update
    update.deleted_at, update.deleted_by = timezone.now(), actor
    update.save(update_fields=["deleted_at", "deleted_by"])
    if update.photo:
        photo = update.photo
        transaction.on_commit(lambda: photo.storage.delete(photo.name))
    _audit(Action.DELETE, request=request, actor=actor, patient=update.patient, target=update)
    return update


# --- Hiding a reply ------------------------------------------------------------------------------


@transaction.atomic
def reply_hide(*, reply: Reply, actor: User, request: HttpRequest | None = None) -> Reply:
    """Hidden from everyone but its writer (and the patient's own page, marked)."""
    if reply.hidden_at is None:
        reply.hidden_at, reply.hidden_by = timezone.now(), actor
        reply.save(update_fields=["hidden_at", "hidden_by"])
        patient = reply.update.patient
        _audit(
            Action.UPDATE, request=request, actor=actor, patient=patient, target=reply, hidden=True
        )
    return reply


@transaction.atomic
def reply_unhide(*, reply: Reply, actor: User, request: HttpRequest | None = None) -> Reply:
    if reply.hidden_at is not None:
        reply.hidden_at, reply.hidden_by = None, None
        reply.save(update_fields=["hidden_at", "hidden_by"])
        patient = reply.update.patient
        _audit(
            Action.UPDATE, request=request, actor=actor, patient=patient, target=reply, hidden=False
        )
    return reply


# --- Supporters answer ---------------------------------------------------------------------------


def _require_audience(update: Update, contact: SupportContact) -> None:
    """The contact is in the update's audience and UPDATES is in force now."""
    in_audience = update.audience.filter(pk=contact.pk).exists()
    if not in_audience or Scope.UPDATES not in consented_scopes(contact):
        raise ValidationError({"update": [str(NOT_SHARED)]})
    if update.deleted_at is not None:
        raise ValidationError({"update": [_("This update was taken down.")]})


@transaction.atomic
def reaction_set(
    *, update: Update, contact: SupportContact, kind: str, request: HttpRequest | None = None
) -> Reaction:
    if kind not in ReactionKind.values:
        raise ValidationError({"kind": [_("Choose one of the reactions.")]})
    _require_audience(update, contact)
    reaction, created = Reaction.objects.update_or_create(
        update=update, contact=contact, defaults={"kind": kind}
    )
    _audit(
        Action.CREATE if created else Action.UPDATE,
        request=request,
        actor=contact.user,
        patient=update.patient,
        target=reaction,
        kind=kind,
    )
    _tell_patient(
        update, contact, f"update_response:{update.pk}:reaction:{contact.pk}", reply=False
    )
    return reaction


@transaction.atomic
def reaction_remove(
    *, update: Update, contact: SupportContact, request: HttpRequest | None = None
) -> bool:
    _require_audience(update, contact)
    reaction = Reaction.objects.filter(update=update, contact=contact).first()
    if reaction is None:
        return False
    _audit(
        Action.DELETE, request=request, actor=contact.user, patient=update.patient, target=reaction
    )
    reaction.delete()
    return True


@transaction.atomic
def reply_post(
    *, update: Update, contact: SupportContact, text: str, request: HttpRequest | None = None
) -> Reply:
    text = _checked_text(text, limit=Reply.MAX_LENGTH)
    _require_audience(update, contact)
    reply = Reply.objects.create(update=update, contact=contact, text=text)
    _audit(Action.CREATE, request=request, actor=contact.user, patient=update.patient, target=reply)
    _tell_patient(update, contact, f"update_response:{update.pk}:reply:{reply.pk}", reply=True)
    return reply


def updates_mark_seen(*, contact_updates: list[tuple[int, int]]) -> None:
    """Record that these (contact id, update id) were shown (one insert; repeats ignored)."""
    rows = [UpdateSeen(contact_id=c, update_id=u) for c, u in contact_updates]
    if rows:
        UpdateSeen.objects.bulk_create(rows, ignore_conflicts=True)


# --- Messages (through the outbox; never the text) -----------------------------------------------

Render = Callable[[Recipient], tuple[str, str, str]]


def _posted_text(update: Update, contact: SupportContact) -> Render:
    def render(recipient: Recipient) -> tuple[str, str, str]:
        name = update.patient.first_name
        link = supporter_link(contact, reverse("updates:feed"))
        subject = _("%(name)s posted an update") % {"name": name}
        body = _("%(name)s posted an update for you. Read it here: %(link)s") % {
            "name": name,
            "link": link,
        }
        return subject, body, link

    return render


def _tell_audience(update: Update, contacts: list[SupportContact]) -> None:
    planner = Planner(timezone.now())
    occurrence = f"update_posted:{update.pk}"
    for contact in contacts:
        contact.patient = update.patient
        if not planner.supporter_allowed(contact, Scope.UPDATES):
            continue
        recipient = planner.supporter_recipient(contact)
        planner.send(
            Kind.UPDATE_POSTED,
            occurrence,
            recipient,
            planner.at,
            update.patient,
            _posted_text(update, contact),
        )
    planner.flush()


def _response_text(update: Update, contact: SupportContact, *, reply: bool) -> Render:
    def render(recipient: Recipient) -> tuple[str, str, str]:
        link = patient_link(update.patient, reverse("updates:mine"))
        values = {"name": contact.first_name, "link": link}
        if reply:
            subject = _("%(name)s replied to your update") % values
            body = _("%(name)s replied to your update. See it here: %(link)s") % values
        else:
            subject = _("%(name)s reacted to your update") % values
            body = _("%(name)s reacted to your update. See it here: %(link)s") % values
        return subject, body, link

    return render


def _tell_patient(update: Update, contact: SupportContact, occurrence: str, *, reply: bool) -> None:
    planner = Planner(timezone.now())
    patient = update.patient
    seen: set[tuple[str, str]] = set()
    for channel in (Channel.IN_APP, Channel.EMAIL):
        recipient = planner.patient_recipient(patient, channel)
        if recipient is None or (recipient.key, recipient.channel) in seen:
            continue
        seen.add((recipient.key, recipient.channel))
        planner.send(
            Kind.UPDATE_RESPONSE,
            occurrence,
            recipient,
            planner.at,
            patient,
            _response_text(update, contact, reply=reply),
        )
    planner.flush()
