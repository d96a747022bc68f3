"""Who may see which conversation: its customer, and the service desk."""

from datetime import timedelta
from typing import NamedTuple

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role
from core.db import median_seconds
from operations import selectors as ops_selectors
from operations.models import Availability, Language, Skill, StaffPresence, StaffSkill

from .models import ChatNote, Conversation, ConversationStatus, LeftMessage


def scope_customer(viewer) -> tuple[bool, int | None]:
    """(may see any conversations, limited to this customer's id or None for all of them)."""
    if viewer is None:
        return False, None
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return True, None
    customer = getattr(viewer, "customer", None) if viewer.role == Role.CUSTOMER else None
    return (True, customer.pk) if customer is not None else (False, None)


def is_supervisor(viewer) -> bool:
    """Admins and the `supervisor` group see and act on every chat (the pool's definition)."""
    return ops_selectors.is_supervisor(viewer)


def conversation_scope(queryset: QuerySet[Conversation], *, viewer) -> QuerySet[Conversation]:
    """What the viewer may read: a customer their own chats; staff the chats assigned to them and
    those waiting in the queue (to take one); supervisors all. Anything else looks missing."""
    allowed, customer_id = scope_customer(viewer)
    if not allowed:
        return queryset.none()
    if customer_id is not None:
        return queryset.filter(customer_id=customer_id)
    if is_supervisor(viewer):
        return queryset
    return queryset.filter(Q(assigned_staff=viewer) | Q(status=ConversationStatus.QUEUED))


def conversation_scope_to_act(queryset: QuerySet[Conversation], *, viewer) -> QuerySet[Conversation]:
    """What the viewer may act on (close, transfer, mark read, type): staff only their own chats."""
    allowed, customer_id = scope_customer(viewer)
    if not allowed:
        return queryset.none()
    if customer_id is not None:
        return queryset.filter(customer_id=customer_id)
    return queryset if is_supervisor(viewer) else queryset.filter(assigned_staff=viewer)


def message_scope(queryset, *, viewer):
    """Messages of the conversations the viewer may see."""
    return queryset.filter(conversation__in=conversation_scope(Conversation.objects.all(), viewer=viewer))


def canned_response_scope(queryset, *, viewer):
    """The desk's prepared replies: staff only."""
    return queryset.filter(active=True) if is_staff(viewer) else queryset.none()


def colleague_scope(queryset, *, viewer):
    """Staff see their colleagues (users of the desk); nobody else sees staff."""
    return queryset.filter(role__in=(Role.STAFF, Role.ADMIN)) if is_staff(viewer) else queryset.none()


def is_staff(viewer) -> bool:
    return viewer is not None and viewer.role in (Role.STAFF, Role.ADMIN)


def chat_stats() -> dict:
    """Bot resolution rate (closed without a person), median time from asking for a person to a
    person's first reply, average rating."""
    from django.db.models import Avg

    totals = Conversation.objects.aggregate(
        closed=Count("pk", filter=Q(status="CLOSED")),
        bot_only=Count("pk", filter=Q(status="CLOSED", queued_at__isnull=True)),
        rating=Avg("rating"),
    )
    # The customer's wait runs from asking for a person (queued) to a person's first reply: the
    # time in the queue is part of it.
    answered = Conversation.objects.filter(first_staff_reply_at__isnull=False, queued_at__isnull=False)
    waits = sorted(
        (c.first_staff_reply_at - c.queued_at).total_seconds()
        for c in answered.only("first_staff_reply_at", "queued_at")[:10000]
    )
    return {
        "bot_resolution_rate": totals["bot_only"] / totals["closed"] if totals["closed"] else None,
        "median_answer_seconds": waits[len(waits) // 2] if waits else None,
        "average_rating": float(totals["rating"]) if totals["rating"] is not None else None,
    }


def conversations_active_for_staff(*, user) -> QuerySet[Conversation]:
    """The staff member's chats in progress, the longest-held first."""
    return with_customer(
        Conversation.objects.filter(assigned_staff=user, status=ConversationStatus.ACTIVE)
    ).order_by("assigned_at")


def colleagues_online(*, viewer):
    """Online colleagues a chat can be transferred to (users, by name)."""
    from accounts.models import User

    return (
        User.objects.filter(presence__status=Availability.ONLINE)
        .exclude(pk=viewer.pk)
        .order_by("display_name")
    )


# --- The queue for a person -----------------------------------------------------------------------

AVERAGE_HANDLE_SECONDS = 240
QUEUE_ORDER = ("-priority", "queued_at", "pk")  # elderly first, then the longest waiting


def queue_order() -> QuerySet[Conversation]:
    return Conversation.objects.filter(status=ConversationStatus.QUEUED).order_by(*QUEUE_ORDER)


def queue_listing_order() -> QuerySet[Conversation]:
    return with_customer(queue_order())


def staff_online_count() -> int:
    return StaffPresence.objects.filter(status=Availability.ONLINE).count()


def chat_language(conversation: Conversation) -> str:
    """What the customer speaks: a dialect chosen in elder mode, else the chat's app language."""
    spoken = ops_selectors.customer_language(conversation.customer)
    if spoken == Language.MANDARIN and conversation.language.startswith("en"):
        return Language.ENGLISH
    return spoken


def free_desk_staff(*, language: str) -> QuerySet[StaffPresence]:
    """Online desk staff with room for another chat: speakers of `language` first, then the one
    idle longest."""
    active = (
        Conversation.objects.filter(assigned_staff=OuterRef("user_id"), status=ConversationStatus.ACTIVE)
        .order_by()
        .values("assigned_staff")
        .annotate(n=Count("pk"))
        .values("n")
    )
    capacity = StaffSkill.objects.filter(user=OuterRef("user_id"), skill=Skill.CHAT).values("capacity")[:1]
    staff = (
        ops_selectors.staff_with_skill(Skill.CHAT)
        .filter(status=Availability.ONLINE)
        .annotate(active=Coalesce(Subquery(active), 0), room=Subquery(capacity))
        .filter(active__lt=F("room"))
    )
    return ops_selectors.speakers_first(staff, language)


def desk_has_room(user) -> bool:
    capacity = (
        StaffSkill.objects.filter(user=user, skill=Skill.CHAT).values_list("capacity", flat=True).first()
    )
    active = Conversation.objects.filter(assigned_staff=user, status=ConversationStatus.ACTIVE).count()
    return capacity is not None and active < capacity


def wait_for(position: int, online: int) -> int:
    return int(position * AVERAGE_HANDLE_SECONDS / (online or 1))


def queue_position(conversation: Conversation) -> int | None:
    if conversation.status != ConversationStatus.QUEUED:
        return None
    ahead = Conversation.objects.filter(status=ConversationStatus.QUEUED).filter(
        Q(priority__gt=conversation.priority)
        | Q(priority=conversation.priority, queued_at__lt=conversation.queued_at)
        | Q(priority=conversation.priority, queued_at=conversation.queued_at, pk__lt=conversation.pk)
    )
    return ahead.count() + 1


def estimated_wait_seconds(position: int | None) -> int | None:
    return None if position is None else wait_for(position, staff_online_count())


def queue_listing(*, limit: int = 200) -> list[Conversation]:
    """The queue as staff see it, each with its position and estimated wait: two queries whatever its
    length (a window function numbers the rows)."""
    from django.db.models import Window
    from django.db.models.functions import RowNumber

    order = [F("priority").desc(), F("queued_at").asc(), F("pk").asc()]
    rows = list(queue_listing_order().annotate(position=Window(RowNumber(), order_by=order))[:limit])
    online = staff_online_count()
    for row in rows:
        row.estimated_wait = wait_for(row.position, online)
    return rows


def messages_after(*, conversation: Conversation, after_seq: int, first: int):
    """A page of a conversation's messages in seq order (the caller resolved it through its scope)."""
    from .models import Message

    return Message.objects.filter(conversation=conversation, seq__gt=after_seq).order_by("seq")[:first]


def messages_between(*, conversation_id: int, after_seq: int, before_seq: int | None = None):
    """Stored messages after `after_seq` (and before `before_seq`): a replay, or a gap to fill."""
    from .models import Message

    rows = Message.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
    if before_seq is not None:
        rows = rows.filter(seq__lt=before_seq)
    return rows.order_by("seq")


def left_message_callback_phone(*, conversation_id: int) -> str:
    """The number a customer left for a callback out of hours ("" if none)."""
    return (
        LeftMessage.objects.filter(conversation_id=conversation_id)
        .values_list("callback_phone", flat=True)
        .first()
        or ""
    )


# --- The customer as the desk sees them -----------------------------------------------------------


class ChatCustomer(NamedTuple):
    name: str
    elderly: bool
    language: str


def with_customer(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """What `conversation_customer` and `left_message_body` read, fetched with the rows (no query per
    chat in a listing)."""
    return queryset.select_related("customer__user__accessibility", "left_message")


def conversation_customer(conversation: Conversation) -> ChatCustomer:
    """Who the chat is with, for the desk: name (the caller masks it), elderly, language or dialect."""
    customer = conversation.customer
    return ChatCustomer(
        name=customer.name,
        elderly=ops_selectors.customer_elderly(customer, timezone.now()),
        language=chat_language(conversation),
    )


def left_message_body(conversation: Conversation) -> str | None:
    try:
        return conversation.left_message.body
    except LeftMessage.DoesNotExist:
        return None


def note_scope(queryset, *, viewer):
    """Private notes: staff, on the conversations they may see; never a customer."""
    if not is_staff(viewer):
        return queryset.none()
    return queryset.filter(conversation__in=conversation_scope(Conversation.objects.all(), viewer=viewer))


def notes_of(*, conversation: Conversation):
    return (
        ChatNote.objects.filter(conversation=conversation)
        .select_related("author__staff")
        .order_by("created_at", "pk")
    )


def recent_chats_of(*, customer, limit: int) -> list[Conversation]:
    return list(with_customer(Conversation.objects.filter(customer=customer)).order_by("-created_at")[:limit])


# How far a customer may come back on the same topic and still count the first contact unresolved.
COME_BACK_WINDOW_HOURS = 48


def conversation_figures(*, start, end) -> dict:
    """The scoreboard's chat figures for [start, end), each one query in the database:
    - first-contact resolution: chats closed in the window whose customer did not start another chat
      on the same topic within 48 hours (chats without a topic match each other);
    - bot containment: chats closed in the window that never reached a person;
    - human connect: chats queued in the window that reached a person; the median wait for one."""
    closed = Conversation.objects.filter(
        status=ConversationStatus.CLOSED, closed_at__gte=start, closed_at__lt=end
    )
    came_back = Conversation.objects.filter(
        customer_id=OuterRef("customer_id"),
        topic=OuterRef("topic"),
        created_at__gt=OuterRef("closed_at"),
        created_at__lte=OuterRef("closed_at") + timedelta(hours=COME_BACK_WINDOW_HOURS),
    ).exclude(pk=OuterRef("pk"))
    closed_counts = closed.aggregate(
        total=Count("pk"),
        resolved=Count("pk", filter=~Exists(came_back)),
        bot_only=Count("pk", filter=Q(assigned_at__isnull=True)),
    )
    queued = Conversation.objects.filter(queued_at__gte=start, queued_at__lt=end)
    queued_counts = queued.aggregate(
        total=Count("pk"), reached=Count("pk", filter=Q(assigned_at__isnull=False))
    )
    total, asked = closed_counts["total"], queued_counts["total"]
    return {
        "first_contact_resolution_rate": closed_counts["resolved"] / total if total else None,
        "bot_containment_rate": closed_counts["bot_only"] / total if total else None,
        "human_connect_rate": queued_counts["reached"] / asked if asked else None,
        "median_human_wait_seconds": median_seconds(queued, start="queued_at", end="assigned_at"),
        "conversations_closed": total,
        "conversations_queued": asked,
    }
