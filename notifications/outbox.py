"""Writing to the outbox and sending from it.

- `enqueue()` writes a row inside the caller's transaction; the idempotency key (kind,
  occurrence, recipient, channel) is a unique constraint, so asking twice plans once. Dispatch is
  queued with `transaction.on_commit`.
- `send_one()` claims a row with a conditional update (pending to sending) before sending: two
  workers, one send. Transient failures go back to pending with exponential backoff; permanent
  ones are marked failed with the error.
- `dispatch_due()` sends a batch over one SMTP session. On PostgreSQL each email costs one
  statement, so one commit: it saves the outcome of the email just sent and claims the next row
  (`UPDATE ... RETURNING`, with the patient, contact and user the checks read). The recipients'
  preferences and opt-outs are read once per batch.
- `sweep()` re-queues rows stranded in pending (broker down) or in sending (worker killed).
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from smtplib import (
    SMTPAuthenticationError,
    SMTPException,
    SMTPRecipientsRefused,
    SMTPResponseException,
)
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone

from notifications.hooks import RENDER_AT_SEND, SEND_GUARDS, SkipMessage
from notifications.models import (
    Channel,
    ContactOptOut,
    Kind,
    Notification,
    NotificationPreference,
    PushSubscription,
    Status,
)
from notifications.preferences import (
    channels_for,
    contact_wants,
    preference_for,
    quiet_until,
    unsubscribe_url,
    wants,
)
from notifications.push import PushRefused, send_push

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 60
STUCK_AFTER = timedelta(minutes=10)
# After the broker failed, this process leaves rows to the sweep for a while instead of trying
# again: a request that plans several messages during an outage waits one connection timeout,
# not one per message. Keyed by broker URL (a process can be pointed at another broker).
BROKER_RETRY_AFTER_SECONDS = 20
_broker_down_until: dict[str, float] = {}


class PermanentFailure(Exception):
    """The message cannot be delivered however often it is tried."""


@dataclass(frozen=True)
class Message:
    kind: str
    occurrence: str
    channel: str
    recipient_key: str
    address: str
    body: str
    subject: str = ""
    html_body: str = ""
    link: str = ""
    language: str = "en"
    urgent: bool = False  # passes quiet hours for people who allowed urgent messages


def enqueue(
    message: Message,
    *,
    due_at: datetime | None = None,
    clinic: object = None,
    patient: object = None,
    recipient_user: object = None,
    recipient_contact: object = None,
) -> Notification | None:
    """Plan one message; None if this very message was planned before. A push to the
    recipient's devices joins it when they have one and want push for the kind."""
    extra = {
        "due_at": due_at,
        "clinic": clinic,
        "patient": patient,
        "recipient_user": recipient_user,
        "recipient_contact": recipient_contact,
    }
    row = _enqueue_one(message, **extra)
    for companion, companion_extra in push_companions([(message, extra)]):
        _enqueue_one(companion, **companion_extra)
    return row


def _enqueue_one(
    message: Message,
    *,
    due_at: datetime | None = None,
    clinic: object = None,
    patient: object = None,
    recipient_user: object = None,
    recipient_contact: object = None,
) -> Notification | None:
    try:
        with transaction.atomic():
            row = _new_row(
                message,
                timezone.now(),
                due_at=due_at,
                clinic=clinic,
                patient=patient,
                recipient_user=recipient_user,
                recipient_contact=recipient_contact,
            )
            row.save(force_insert=True)
    except IntegrityError:
        return None
    if row.due_at <= timezone.now():
        transaction.on_commit(lambda: queue_dispatch(row.pk, row.channel))
    return row


def _new_row(
    message: Message,
    now: datetime,
    *,
    due_at: datetime | None = None,
    clinic: object = None,
    patient: object = None,
    recipient_user: object = None,
    recipient_contact: object = None,
) -> Notification:
    return Notification(
        kind=message.kind,
        occurrence=message.occurrence,
        channel=message.channel,
        recipient_key=message.recipient_key,
        address=message.address,
        subject=message.subject[:200],
        body=message.body,
        html_body=message.html_body,
        link=message.link,
        language=message.language,
        urgent=message.urgent,
        due_at=due_at or now,
        clinic=clinic,
        patient=patient,
        recipient_user=recipient_user,
        recipient_contact=recipient_contact,
    )


def enqueue_many(items: list[tuple[Message, dict[str, Any]]]) -> list[int | None]:
    """Plan many messages in one insert: each item is a message and enqueue()'s keyword
    arguments. Returns the new rows' ids in order, None where that very message was planned
    before. If another run planned one of them in the meantime (the insert meets the unique
    key), falls back to enqueue() one by one, so the others are still planned once.

    On PostgreSQL the rows go in as one array per column (`INSERT ... SELECT FROM unnest`),
    without a model instance each: the planner writes 50,000 check-in reminders at once in a
    large clinic, and bulk_create() spent most of its time preparing each row's fields. There
    a message planned before is skipped by the insert itself (`ON CONFLICT DO NOTHING`), so
    the caller need not look for them first (planned_before_is_skipped())."""
    if not items:
        return []
    asked = len(items)
    items = [*items, *push_companions(items)]
    now = timezone.now()
    try:
        with transaction.atomic():
            if connections[router.db_for_write(Notification)].vendor == "postgresql":
                ids = _insert_as_arrays(items, now)
            else:
                rows = [_new_row(message, now, **extra) for message, extra in items]
                Notification.objects.bulk_create(rows, batch_size=500)
                ids = [row.pk for row in rows]
    except IntegrityError:
        rows = [_enqueue_one(message, **extra) for message, extra in items]
        return [row.pk if row is not None else None for row in rows][:asked]
    due = [
        (pk, message.channel)
        for pk, (message, extra) in zip(ids, items, strict=True)
        if pk is not None and (extra.get("due_at") or now) <= now
    ]
    if due:
        transaction.on_commit(lambda: [queue_dispatch(pk, channel) for pk, channel in due])
    return ids[:asked]


# Messages that never go to a lock screen: sign-in and invitation mail, system messages, and
# the long reads made for email (the weekly digest, the clinic's monthly summary). No lookup
# is made for them, so the digest's planning reads stay fixed whatever the number of people.
NO_PUSH_KINDS = {
    Kind.INVITATION,
    Kind.PATIENT_INVITATION,
    Kind.STAFF_INVITATION,
    Kind.ACCOUNT,
    Kind.HEARTBEAT,
    Kind.DIGEST,
    Kind.MONTHLY_SUMMARY,
}
PUSH_LOOKUP_BATCH = 5000


def push_companions(
    items: list[tuple[Message, dict[str, Any]]],
) -> list[tuple[Message, dict[str, Any]]]:
    """Web Push joins the other channels: for each message to a person (or a supporter
    contact with an account) who has an active device and push turned on for its kind, the
    same message by push (the sender shows a generic text, never this one). One query per
    PUSH_LOOKUP_BATCH people; none when no message can have one."""
    owners: dict[int, int] = {}  # item index -> the account whose devices it would reach
    for index, (message, extra) in enumerate(items):
        if message.channel == Channel.PUSH or message.kind in NO_PUSH_KINDS:
            continue
        user, contact = extra.get("recipient_user"), extra.get("recipient_contact")
        user_id = user.pk if user is not None else getattr(contact, "user_id", None)
        if user_id is not None:
            owners[index] = user_id
    if not owners:
        return []
    wanting = _push_preferences(set(owners.values()))
    companions, seen = [], set()
    for index, user_id in owners.items():
        message, extra = items[index]
        preference = wanting.get(user_id)
        key = (message.kind, message.occurrence, message.recipient_key)
        if (
            key in seen  # the same message by email and in the app: one push
            or preference is None
            or preference.refuses(message.kind)
            or Channel.PUSH not in channels_for(preference, message.kind)
        ):
            continue
        seen.add(key)
        companions.append((replace(message, channel=Channel.PUSH, address=""), extra))
    return companions


def _push_preferences(user_ids: set[int]) -> dict[int, NotificationPreference]:
    """The preferences of those of these people who have an active push device."""
    devices = PushSubscription.objects.active().filter(user_id=OuterRef("user_id"))
    found: dict[int, NotificationPreference] = {}
    ids = sorted(user_ids)
    for start in range(0, len(ids), PUSH_LOOKUP_BATCH):
        rows = NotificationPreference.objects.filter(
            Exists(devices), user_id__in=ids[start : start + PUSH_LOOKUP_BATCH]
        )
        found.update((row.user_id, row) for row in rows)
    return found


ARRAY_BATCH = 5000
KEY = ("kind", "occurrence", "recipient_key", "channel")  # the unique key: planned once


def planned_before_is_skipped() -> bool:
    """enqueue_many() itself answers None for a message planned before (PostgreSQL)."""
    return connections[router.db_for_write(Notification)].vendor == "postgresql"


def _insert_as_arrays(
    items: list[tuple[Message, dict[str, Any]]], now: datetime
) -> list[int | None]:
    """The rows _new_row() would make, inserted ARRAY_BATCH at a time from one array per
    column; returns their ids in order, None for a message planned before (or twice here)."""
    using = router.db_for_write(Notification)
    connection = connections[using]
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    fixed = {f.attname: f.get_default() for f in fields if not callable(f.default)}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # Text as `text[]`, never `varchar(n)[]`: a cast to varchar(n) would cut an over-long value
    # silently, where the column's own check refuses it (as bulk_create() did).
    arrays = ", ".join(f"%s::{_array_type(f, connection)}[]" for f in fields)
    sql = (
        f"INSERT INTO {quote(Notification._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {columns} FROM unnest({arrays}) WITH ORDINALITY AS u({columns}, n) "
        f"ORDER BY n ON CONFLICT DO NOTHING "
        f"RETURNING {quote(Notification._meta.pk.column)}, {', '.join(map(quote, KEY))}"
    )
    ids: list[int | None] = []
    for start in range(0, len(items), ARRAY_BATCH):
        values: dict[str, list] = {f.attname: [] for f in fields}
        for message, extra in items[start : start + ARRAY_BATCH]:
            given = {
                "kind": message.kind,
                "occurrence": message.occurrence,
                "channel": message.channel,
                "recipient_key": message.recipient_key,
                "address": message.address,
                "subject": message.subject[:200],
                "body": message.body,
                "html_body": message.html_body,
                "link": message.link,
                "language": message.language,
                "urgent": message.urgent,
                "due_at": extra.get("due_at") or now,
                "clinic_id": _pk_of(extra.get("clinic")),
                "patient_id": _pk_of(extra.get("patient")),
                "recipient_user_id": _pk_of(extra.get("recipient_user")),
                "recipient_contact_id": _pk_of(extra.get("recipient_contact")),
                "created_at": now,
            }
            for field_ in fields:
                name = field_.attname
                if name in given:
                    value = given[name]
                elif name in fixed:
                    value = fixed[name]
                else:
                    value = field_.get_default()
                values[name].append(value)
        with connection.cursor() as cursor:
            cursor.execute(sql, [values[f.attname] for f in fields])
            inserted = {tuple(key): pk for pk, *key in cursor.fetchall()}
        keys = zip(*(values[name] for name in KEY), strict=True)
        ids.extend(inserted.pop(key, None) for key in keys)
    return ids


def _array_type(field_: Any, connection: Any) -> str:
    db_type = field_.db_type(connection)
    return "text" if db_type.startswith("varchar") else db_type


def _pk_of(instance: Model | None) -> int | None:
    return instance.pk if instance is not None else None


def queue_dispatch(notification_id: int, channel: str = "") -> bool:
    """Hand the row to a worker, on its channel's queue (recovery_hub/queues.py routes by the
    task's `channel`); if the broker is down the row waits for the sweeper. (With
    NOTIFICATIONS_INLINE_DISPATCH, used by the unit tests, the row is sent in this process.)"""
    if settings.NOTIFICATIONS_INLINE_DISPATCH:
        send_one(notification_id)
        return True
    from notifications.tasks import dispatch_notification

    broker = dispatch_notification.app.conf.broker_url
    if time.monotonic() < _broker_down_until.get(broker, 0.0):
        return False  # it failed a moment ago: the row waits for the sweep, nobody waits
    try:
        dispatch_notification.apply_async(
            args=[notification_id], kwargs={"channel": channel}, retry=False
        )
    except Exception:  # the broker is unreachable: nothing is lost, the sweep sends it later
        _broker_down_until[broker] = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.warning("broker unavailable; notification %s waits for the sweep", notification_id)
        return False
    _broker_down_until.pop(broker, None)
    return True


# What still_wanted(), quiet hours and the senders read: fetched with the claim. A path
# "a__b" is b of a (the contact's own account, whose quiet hours hold its messages).
CLAIM_RELATED = ("patient", "recipient_contact", "recipient_user", "recipient_contact__user")


def _relation(path: str) -> tuple[str, object]:
    """The alias the path's table is joined from ("claimed" for the notification) and the
    foreign key followed."""
    parent, _sep, name = path.rpartition("__")
    model = Notification
    for step in parent.split("__") if parent else []:
        model = model._meta.get_field(step).related_model
    return parent or "claimed", model._meta.get_field(name)


# A row's outcome, saved by one UPDATE: field name to value.
Changes = dict[str, object]


def claim(notification_id: int) -> Notification | None:
    """Pending and due to sending, by a conditional update: exactly one worker wins. The row
    comes back with its patient, contact and user (on PostgreSQL in the same statement)."""
    return _save_and_claim(None, notification_id)


def _save_and_claim(
    previous: tuple[int, Changes] | None, notification_id: int
) -> Notification | None:
    """Save the outcome of the row sent just before (if any), then claim the next one. On
    PostgreSQL this is one statement, so one commit: the outcome is durable before the next
    email leaves, as when they were two statements, for one WAL flush instead of two. Under
    READ COMMITTED a concurrent claimer waits for the row lock, re-checks `status = pending`
    on the new version and updates nothing."""
    now = timezone.now()
    using = router.db_for_write(Notification)
    connection = connections[using]
    if connection.vendor != "postgresql":
        if previous is not None:
            _save(*previous)
        won = Notification.objects.filter(
            pk=notification_id, status=Status.PENDING, due_at__lte=now
        ).update(status=Status.SENDING, claimed_at=now)
        return _fetch(using, notification_id) if won == 1 else None
    saved_pk, changes = previous or (None, {})
    models, sql = _claim_sql(using, tuple(changes))
    params = [
        *(
            Notification._meta.get_field(name).get_db_prep_save(value, connection)
            for name, value in changes.items()
        ),
        *([saved_pk] if changes else []),
        Status.SENDING,
        now,
        notification_id,
        Status.PENDING,
        now,
    ]
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            values = cursor.fetchone()
    except DatabaseError:
        if not changes or connection.in_atomic_block:
            raise
        # e.g. a deadlock with another batch: the sent row's outcome must not be lost with it.
        _save(saved_pk, changes)
        return _save_and_claim(None, notification_id)
    return _hydrate(models, values, using) if values is not None else None


def _save(notification_id: int, changes: Changes) -> None:
    Notification.objects.filter(pk=notification_id).update(**changes)


def _fetch(using: str, notification_id: int) -> Notification | None:
    """The row and its CLAIM_RELATED rows, by one query built once (no ORM compiling)."""
    models, sql = _claim_sql(using, None)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [notification_id])
        values = cursor.fetchone()
    return _hydrate(models, values, using) if values is not None else None


@cache
def _claim_sql(using: str, saved: tuple[str, ...] | None) -> tuple[list[type[Model]], str]:
    """The statement (built once per shape from the models' metadata) and the models whose
    columns it returns, in order: the notification, then CLAIM_RELATED. With `saved` None, a
    plain SELECT by id; else the PostgreSQL claim (`UPDATE ... RETURNING` in a CTE), after an
    UPDATE of these fields of the previous row when `saved` names any."""
    quote = connections[using].ops.quote_name
    meta = Notification._meta
    table = quote(meta.db_table)
    relations = [_relation(path) for path in CLAIM_RELATED]
    models: list[type[Model]] = [Notification, *(r.related_model for _p, r in relations)]
    aliases = ["claimed", *CLAIM_RELATED]
    columns = ", ".join(
        f"{alias}.{quote(f.column)}"
        for model, alias in zip(models, aliases, strict=True)
        for f in model._meta.concrete_fields
    )
    joins = " ".join(
        f"LEFT JOIN {quote(r.related_model._meta.db_table)} {alias} "
        f"ON {alias}.{quote(r.target_field.column)} = {parent}.{quote(r.column)}"
        for (parent, r), alias in zip(relations, aliases[1:], strict=True)
    )
    column = {f.name: quote(f.column) for f in meta.concrete_fields}
    # Only quoted table and column names from the models are formatted in; values are %s.
    if saved is None:
        by_id = f"claimed.{column['id']} = %s"
        return models, f"SELECT {columns} FROM {table} claimed {joins} WHERE {by_id}"  # noqa: S608
    save = ""
    if saved:
        assignments = ", ".join(f"{column[name]} = %s" for name in saved)
        save = f"saved AS (UPDATE {table} SET {assignments} WHERE {column['id']} = %s), "  # noqa: S608
    sql = (
        f"WITH {save}claimed AS (UPDATE {table} "  # noqa: S608
        f"SET {column['status']} = %s, {column['claimed_at']} = %s "
        f"WHERE {column['id']} = %s AND {column['status']} = %s AND {column['due_at']} <= %s "
        f"RETURNING *) SELECT {columns} FROM claimed {joins}"
    )
    return models, sql


def _hydrate(models: list[type[Model]], values: tuple, using: str) -> Notification:
    """The notification with its CLAIM_RELATED rows cached on it, from one row of columns."""
    instances: list[Model | None] = []
    start = 0
    for model in models:
        end = start + len(model._meta.concrete_fields)
        instances.append(_instance(model, values[start:end], using))
        start = end
    row, *related = instances
    joined: dict[str, Model | None] = {"claimed": row}
    for path, instance in zip(CLAIM_RELATED, related, strict=True):
        parent_alias, relation = _relation(path)
        parent = joined[parent_alias]
        joined[path] = instance
        if parent is not None:
            relation.set_cached_value(parent, instance)
    contact, patient = row.recipient_contact, row.patient
    if contact is not None and patient is not None and contact.patient_id == patient.pk:
        contact.patient = patient  # consented_scopes() reads it: no query for it
    return row


def _instance(model: type[Model], values: tuple, using: str) -> Model | None:
    """A model instance from raw column values, converted as the ORM converts them (JSON,
    ...); None for the all-NULL side of a LEFT JOIN."""
    attnames, pk_index, converters = _loader(model, using)
    if values[pk_index] is None:
        return None
    if converters:
        connection = connections[using]
        values = list(values)
        for index, converter, col in converters:
            values[index] = converter(values[index], col, connection)
    return model.from_db(using, attnames, values)


@cache
def _loader(model: type[Model], using: str) -> tuple[list[str], int, list[tuple]]:
    """What _instance() needs for a model, worked out once: the attribute names in column
    order, where the primary key is, and the converters the ORM would apply to each column."""
    connection = connections[using]
    fields = model._meta.concrete_fields
    converters = []
    for index, model_field in enumerate(fields):
        col = model_field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            converters.append((index, converter, col))
    return [f.attname for f in fields], fields.index(model._meta.pk), converters


@dataclass
class RecipientChoices:
    """What the recipients of a batch chose, read in two queries rather than one or two per
    row: preferences by user (no row: the defaults) and opted-out kinds by contact. Read when
    the batch starts, like the list of rows it sends."""

    preferences: dict[int, NotificationPreference | None] = field(default_factory=dict)
    opt_outs: dict[int, set[str]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        user_ids: Iterable[int],
        contact_ids: Iterable[int],
        contact_user_ids: Iterable[int] = (),
    ) -> "RecipientChoices":
        choices = cls()
        users = {*user_ids, *contact_user_ids}
        choices.preferences = dict.fromkeys({pk for pk in users if pk is not None})
        if choices.preferences:
            rows = NotificationPreference.objects.filter(user_id__in=choices.preferences)
            choices.preferences.update((p.user_id, p) for p in rows)
        choices.opt_outs = ContactOptOut.objects.kinds_by_contact(contact_ids)
        return choices

    def preference(self, user: object) -> NotificationPreference | None:
        """The person's preferences; None when this batch did not read them."""
        if user.pk not in self.preferences:
            return None
        return self.preferences[user.pk] or NotificationPreference(user=user)

    def opted_out(self, contact_id: int) -> set[str] | None:
        return self.opt_outs.get(contact_id)


def send_one(
    notification_id: int,
    *,
    email_connection: object = None,
    choices: RecipientChoices | None = None,
) -> str:
    """Claim and send one row; returns "sent", "failed", "retried", "deferred" or "skipped".
    A batch passes one open SMTP connection so every email does not open its own, and the
    recipients' choices it read once."""
    row = claim(notification_id)
    if row is None:
        return "skipped"
    outcome, changes = deliver(row, email_connection=email_connection, choices=choices)
    _save(row.pk, changes)
    return outcome


def deliver(
    row: Notification,
    *,
    email_connection: object = None,
    choices: RecipientChoices | None = None,
) -> tuple[str, Changes]:
    """Check and send a claimed row. Returns the outcome and the changes that record it, for
    the caller to save at once: "sent", "failed" and "skipped" are final; "retried" (with
    backoff) and "deferred" (quiet hours) put the row back to pending."""
    preference = None
    if row.recipient_user_id is not None:
        preference = choices.preference(row.recipient_user) if choices else None
        if preference is None:  # read once for both the opt-out and the quiet hours
            preference = preference_for(row.recipient_user)
    opted_out = choices.opted_out(row.recipient_contact_id) if choices else None
    owner = _contact_owner(row)
    owner_preference = None
    if owner is not None:  # a supporter's own settings hold for messages to their contact
        owner_preference = (choices.preference(owner) if choices else None) or preference_for(owner)
    reason = still_wanted(
        row, preference=preference, opted_out=opted_out, owner_preference=owner_preference
    )
    if reason:
        return "skipped", _finished(row, Status.SKIPPED, reason=reason)
    later = _quiet_until(row, preference, owner, owner_preference)
    if later is not None:  # quiet hours defer, never drop
        return "deferred", {"status": Status.PENDING, "due_at": later, "claimed_at": None}
    rendered: Changes = {}
    if row.kind in RENDER_AT_SEND:  # built now, from what is true now (the weekly digest)
        try:
            text = RENDER_AT_SEND[row.kind](row)
        except SkipMessage as skip:
            return "skipped", _finished(row, Status.SKIPPED, reason=str(skip))
        row.subject, row.body, row.html_body = text.subject[:200], text.body, text.html_body
        rendered = {"subject": row.subject, "body": row.body, "html_body": row.html_body}
    try:
        sender = CHANNELS[row.channel]
        if email_connection is not None and sender is _send_email:
            provider_id = _send_email(row, connection=email_connection)
        else:
            provider_id = sender(row)
    except SkipMessage as skip:  # nothing to send to any more (push: no device)
        return "skipped", _finished(row, Status.SKIPPED, reason=str(skip))
    except PermanentFailure as exc:
        return "failed", _finished(row, Status.FAILED, error=str(exc))
    except Exception as exc:  # transient: try again later, up to a cap
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            return "failed", _finished(row, Status.FAILED, error=repr(exc), attempts=attempts)
        delay = timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** (attempts - 1))
        return "retried", {
            "status": Status.PENDING,
            "attempts": attempts,
            "last_error": repr(exc)[:2000],
            "due_at": timezone.now() + delay,
            "claimed_at": None,
        }
    return "sent", {**rendered, **_finished(row, Status.SENT, provider_id=provider_id or "")}


def _contact_owner(row: Notification) -> object:
    """The account of the supporter a contact row is addressed to, if they have one."""
    if row.recipient_user_id is None and row.recipient_contact_id is not None:
        contact = row.recipient_contact
        return contact.user if contact.user_id else None
    return None


def _quiet_until(
    row: Notification,
    preference: NotificationPreference | None,
    owner: object = None,
    owner_preference: NotificationPreference | None = None,
) -> object:
    """The end of the recipient's quiet hours if they are in them now, else None. A supporter
    with an account keeps their quiet hours on messages addressed to their contact too. An
    urgent message (the help button) passes for people who allowed that."""
    user, choice = row.recipient_user, preference
    if user is None and owner is not None:
        user, choice = owner, owner_preference
    if user is None:
        return None
    if row.urgent and choice is not None and choice.urgent_in_quiet_hours:
        return None
    return quiet_until(user, timezone.now(), preference=choice)


def _finished(
    row: Notification,
    status: str,
    *,
    reason: str = "",
    error: str = "",
    attempts: int | None = None,
    provider_id: str = "",
) -> Changes:
    return {
        "status": status,
        "reason": reason[:300],
        "last_error": error[:2000],
        "attempts": attempts if attempts is not None else row.attempts + 1,
        "sent_at": timezone.now() if status == Status.SENT else None,
        "provider_message_id": provider_id[:200],
    }


def still_wanted(
    row: Notification,
    *,
    preference: NotificationPreference | None = None,
    opted_out: set[str] | None = None,
    owner_preference: NotificationPreference | None = None,
) -> str:
    """Why a planned message must not go out any more (empty when it still should): a revoked
    consent, a removed contact or a discharged patient cancels it. (`preference` and
    `opted_out`: the recipient's choices, when the caller has read them already.)"""
    # The upper apps' checks (networks: a removed contact, a consent no longer in force). A
    # message to a supporter never goes out unchecked: with no guard registered (an app's
    # ready() not run), it waits as skipped rather than trusting a consent nobody checked.
    if row.recipient_contact_id is not None and not SEND_GUARDS:
        return "No consent check is installed: nothing goes to a supporter unchecked."
    for guard in SEND_GUARDS:
        reason = guard(row)
        if reason:
            return reason
    # Opting out after a message was planned still stops it (transactional kinds excepted).
    if row.kind not in ALWAYS_SENT_KINDS:
        if row.recipient_user_id is not None and not wants(
            row.recipient_user, row.kind, row.channel, preference=preference
        ):
            return "The person opted out of these messages."
        if row.recipient_contact_id is not None and not contact_wants(
            row.recipient_contact, row.kind, opted_out=opted_out
        ):
            return "The person opted out of these messages."
        if owner_preference is not None and owner_preference.refuses(row.kind):
            return "The person opted out of these messages."
        if (  # push reaches a supporter's own devices: their own channel choice holds
            row.channel == Channel.PUSH
            and owner_preference is not None
            and Channel.PUSH not in channels_for(owner_preference, row.kind)
        ):
            return "The person turned push notifications off for these messages."
    if row.patient_id is not None and row.kind in PATIENT_ACTIVE_KINDS and row.patient.care_ended:
        return "The patient was discharged."
    return ""


# Messages a person asked for or needs to use the service: never held back by an opt-out.
ALWAYS_SENT_KINDS = {Kind.INVITATION, Kind.PATIENT_INVITATION, Kind.STAFF_INVITATION, Kind.ACCOUNT}
PATIENT_ACTIVE_KINDS = {
    Kind.CHECKIN_REMINDER,
    Kind.MILESTONE_HEADS_UP,
    Kind.MILESTONE_DAY,
    Kind.ASSESSMENT_DUE,
    Kind.MISSED_CHECKINS,
    Kind.DIGEST,
    Kind.LADDER_SUPPORTER,
    Kind.LADDER_TASK,
    Kind.CELEBRATION_CARD,
    Kind.HELP_TASK_WEEK,
    Kind.HELP_TASK_NEW,
}


def _send_email(row: Notification, connection: object = None) -> str:
    if not row.address:
        raise PermanentFailure("No email address.")
    unsubscribe = unsubscribe_url(row)
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        to=[row.address],
        connection=connection,
        headers={
            "Message-ID": row.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(row.html_body or html_version(row), "text/html")
    try:
        email.send(fail_silently=False)
    except SMTPRecipientsRefused as exc:
        answers = exc.recipients.values()
        if all(500 <= code < 600 for code, _text in answers):  # 5xx: the address is refused
            raise PermanentFailure(f"Recipient refused: {_smtp_answers(exc)}") from exc
        raise  # 4xx (mailbox busy, greylisting): transient, the caller retries with backoff
    except SMTPAuthenticationError:
        raise  # our own settings: retried (and failed at the cap) while someone fixes them
    except SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:  # 5xx to the sender or the message itself: final
            text = exc.smtp_error
            text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            raise PermanentFailure(f"Message refused: {exc.smtp_code} {text}") from exc
        raise  # 4xx: transient
    except (SMTPException, OSError):
        raise  # transient: the caller retries with backoff
    return row.message_id


def _smtp_answers(exc: SMTPRecipientsRefused) -> str:
    """ "pat@example.org: 550 5.1.1 No such mailbox" for each refused address."""
    return "; ".join(
        f"{address}: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        for address, (code, text) in exc.recipients.items()
    )


class _Unreachable:
    """Stands in for a batch's SMTP connection when the server could not be reached: each email
    of the batch is retried with that error at once, rather than opening a connection of its own
    (a server that accepts and never answers would cost EMAIL_TIMEOUT per row)."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def send_messages(self, messages: list) -> int:
        raise self.error.with_traceback(None)

    def close(self) -> None:
        pass


def html_version(row: Notification) -> str:
    """The HTML part of a plain-text message: the same words, links clickable, in the
    recipient's language (the text was rendered in it)."""
    from django.utils.html import escape, linebreaks, urlize

    body = urlize(linebreaks(escape(row.body)), nofollow=True)
    return (
        f'<!doctype html><html lang="{escape(row.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(row.subject)}</title></head>"
        f'<body style="font-family: sans-serif; line-height: 1.5">{body}</body></html>'
    )


def _send_in_app(row: Notification) -> str:
    return f"in-app-{row.pk}"


def _send_sms(row: Notification) -> str:
    """Send through the backend named by SMS_BACKEND (the console in development). Backends
    raise PermanentFailure for undeliverable messages and anything else for transient errors."""
    from notifications.sms import get_backend

    if not row.address:
        raise PermanentFailure("No phone number.")
    # The same key on every attempt of this row: a provider that honours it sends a re-sent
    # text (the worker died after the provider took it) only once.
    return get_backend().send(row.address, row.body, idempotency_key=row.message_id)


def _send_push(row: Notification) -> str:
    """Web Push to the recipient's devices (notifications.push): a generic text per kind, never
    the row's words. No device left: skipped; 429/5xx: retried with backoff."""
    try:
        return send_push(row)
    except PushRefused as exc:
        raise PermanentFailure(str(exc)) from exc


CHANNELS = {
    Channel.EMAIL: _send_email,
    Channel.IN_APP: _send_in_app,
    Channel.SMS: _send_sms,
    Channel.PUSH: _send_push,
}


def dispatch_due(limit: int = 500) -> dict[str, int]:
    """Send what is due now (the `reminders_dispatch` command and the periodic sweep)."""
    counts = {"sent": 0, "failed": 0, "retried": 0, "skipped": 0, "deferred": 0}
    due = Notification.objects.filter(status=Status.PENDING, due_at__lte=timezone.now())
    columns = ("pk", "recipient_user_id", "recipient_contact_id", "recipient_contact__user_id")
    batch = list(due.order_by("due_at", "pk").values_list(*columns)[:limit])
    if not batch:
        return counts
    ids = [pk for pk, *_people in batch]
    choices = RecipientChoices.load(  # the contacts' own accounts too: their quiet hours
        (user for _pk, user, _contact, _own in batch),
        (contact for _pk, _user, contact, _own in batch),
        (own for *_rest, own in batch),
    )
    connection = get_connection()  # one SMTP session for the whole batch
    try:
        connection.open()
    except Exception as exc:  # the server is down: each email retries on its own schedule
        logger.warning("email server unavailable (%r); the batch's emails retry later", exc)
        connection = _Unreachable(exc)
    previous: tuple[int, Changes] | None = None  # saved with the next claim: one commit
    try:
        for pk in ids:
            row = _save_and_claim(previous, pk)
            previous = None
            if row is None:
                counts["skipped"] += 1
                continue
            outcome, changes = deliver(row, email_connection=connection, choices=choices)
            previous = (row.pk, changes)
            counts[outcome] += 1
    finally:
        if previous is not None:
            _save(*previous)
        if connection is not None:
            connection.close()
    return counts


def sweep() -> int:
    """Rows stuck in sending (a worker died after claiming) go back to pending; due pending rows
    (the broker was down at commit) are queued again. Returns how many were re-queued."""
    now = timezone.now()
    Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=Status.PENDING, claimed_at=None
    )
    stranded = Notification.objects.filter(
        Q(status=Status.PENDING) & Q(due_at__lte=now)
    ).values_list("pk", "channel")[:1000]
    queued = 0
    for pk, channel in stranded:
        if not queue_dispatch(pk, channel):
            break  # the broker is down: try again at the next sweep
        queued += 1
    return queued
