"""Reads of secure messages, already joined for the page that shows them (a constant number of
queries however long a thread or an inbox is). The reads themselves are audited by the caller
(services.thread_open, or the inbox's audit_list)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from messaging.models import AuthorRole, Message, Thread, ThreadRead
from patients.models import Patient
from patients.selectors import ATTENTION_SOURCES, STRIP_SHOWN, AttentionItem


@dataclass
class Receipt:
    """Who has read a message, for the other side: the name (staff) and when."""

    name: str
    at: datetime


@dataclass
class ThreadView:
    thread: Thread | None
    messages: list[Message] = field(default_factory=list)


def messages_of(thread: Thread) -> list[Message]:
    return list(thread.messages.select_related("author").order_by("created_at", "id"))


def with_receipts(
    thread: Thread | None,
    messages: list[Message],
    *,
    staff_view: bool,
    reads: list[ThreadRead] | None = None,
) -> None:
    """Set `seen` on each message of the viewer's side: the writer sees "Seen by <clinician>,
    <time>" for their messages; staff see "Seen" on theirs once the writer read them (one
    query for the thread's read receipts)."""
    for message in messages:
        message.seen = []
    if thread is None or not messages:
        return
    if reads is None:
        reads = list(thread.reads.select_related("user"))
    writer_id = thread.contact.user_id if thread.contact_id else thread.patient.user_id
    for message in messages:
        mine = message.author_role == AuthorRole.CLINICIAN if staff_view else message.inbound
        if not mine:
            continue
        for read in reads:
            if read.last_read_at < message.created_at or read.user_id == message.author_id:
                continue
            is_writer = read.user_id == writer_id
            if staff_view and is_writer:
                message.seen.append(Receipt(_("Seen"), read.last_read_at))
            elif not staff_view and not is_writer:
                message.seen.append(Receipt(read.user.get_short_name(), read.last_read_at))


def label_messages(rows: list[Message], *, staff_view: bool, thread: Thread | None) -> None:
    """Who wrote each message, as the viewer reads it."""
    for message in rows:
        if message.automatic:
            message.who = _("Automatic answer")
        elif message.author_role == AuthorRole.CLINICIAN:
            name = message.author.get_short_name() if message.author else ""
            message.who = name or _("Your care team")
        elif not staff_view:
            message.who = _("You")
        elif message.author_role == AuthorRole.SUPPORTER and thread and thread.contact:
            message.who = _("%(name)s (supporter)") % {"name": thread.contact.name}
        else:
            message.who = thread.patient.display_name if thread else ""


def _my_read(user: User) -> Subquery:
    return Subquery(
        ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_at")[:1],
        output_field=DateTimeField(),
    )


def _unread_rule() -> Q:
    return Q(last_inbound_at__isnull=False) & (
        Q(my_read__isnull=True) | Q(last_inbound_at__gt=F("my_read"))
    )


def threads_for_clinician(user: User, patients: QuerySet[Patient]) -> QuerySet[Thread]:
    """The threads of these patients (the clinician's care teams'), unread first, then the
    latest: with the patient and the supporter joined, `unread` annotated (one query)."""
    return (
        Thread.objects.filter(patient__in=patients, last_message_at__isnull=False)
        .annotate(my_read=_my_read(user))
        .annotate(
            unread=Case(
                When(_unread_rule(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("patient", "contact")
        .order_by("-unread", "-last_message_at", "-pk")
    )


def unread_threads(user: User, patients: QuerySet[Patient]) -> QuerySet[Thread]:
    return threads_for_clinician(user, patients).filter(unread=True)


def threads_of_patient(patient: Patient) -> list[Thread]:
    return list(
        Thread.objects.filter(patient=patient)
        .select_related("contact", "patient")
        .order_by("contact_id", "pk")
    )


def messages_by_thread(threads: list[Thread]) -> dict[int, list[Message]]:
    rows = Message.objects.filter(thread__in=threads).select_related("author")
    found: dict[int, list[Message]] = {thread.pk: [] for thread in threads}
    for message in rows.order_by("created_at", "id"):
        found[message.thread_id].append(message)
    return found


def reads_by_thread(threads: list[Thread]) -> dict[int, list[ThreadRead]]:
    found: dict[int, list[ThreadRead]] = {thread.pk: [] for thread in threads}
    for read in ThreadRead.objects.filter(thread__in=threads).select_related("user"):
        found[read.thread_id].append(read)
    return found


# --- The caseload's "needs attention" strip --------------------------------------------------


def unread_attention(mine: QuerySet[Patient], strip: Any) -> None:
    """The caseload strip's "Unread messages" (patients.selectors.ATTENTION_SOURCES): how many
    threads wait for this clinician, and the first STRIP_SHOWN (all when the strip lists this
    heading in full), each linking to the thread; one query."""
    clinician = strip.clinician
    if clinician is None:
        return
    full = strip.full == "unread_messages"
    rows = (
        unread_threads(clinician, mine)
        .annotate(everyone=Window(Count("pk")))
        .values(
            "pk",
            "patient_id",
            "patient__legal_name",
            "patient__preferred_name",
            "contact__name",
            "last_inbound_at",
            "everyone",
        )
    )
    rows = list(rows if full else rows[:STRIP_SHOWN])
    strip.counts["unread_messages"] = rows[0]["everyone"] if rows else 0
    items = []
    for row in rows:
        who = (
            _("from %(name)s (supporter)") % {"name": row["contact__name"].split(" ")[0]}
            if row["contact__name"]
            else _("from them")
        )
        item = AttentionItem(
            row["patient_id"],
            row["patient__preferred_name"] or row["patient__legal_name"],
            _("new message %(who)s") % {"who": who},
            "info",
            row["last_inbound_at"].date(),
        )
        item.url = reverse("messaging:patient", args=[row["patient_id"]]) + f"#thread-{row['pk']}"
        items.append(item)
    strip.unread_messages = items


def register_attention() -> None:
    if unread_attention not in ATTENTION_SOURCES:
        ATTENTION_SOURCES.append(unread_attention)
