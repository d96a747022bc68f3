"""Conversations with the bot and the service desk, their gap-free message log,
the FAQ the bot answers from, canned responses and messages left outside service hours."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerProfile
from operations.models import Availability, StaffPresence  # noqa: F401  (presence is the pool's)


class ConversationStatus(models.TextChoices):
    BOT = "BOT", _("With the bot")
    QUEUED = "QUEUED", _("Waiting for a person")
    ACTIVE = "ACTIVE", _("With a person")
    CLOSED = "CLOSED", _("Closed")
    LEFT_MESSAGE = "LEFT_MESSAGE", _("Message left")


class Conversation(models.Model):
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="conversations", verbose_name=_("customer")
    )
    status = models.CharField(
        _("status"), max_length=14, choices=ConversationStatus.choices, default=ConversationStatus.BOT
    )
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    # The language the customer's app asked in when the chat started: the bot greets in it.
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    assigned_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_chats",
        verbose_name=_("assigned to"),
    )
    # Elderly customers first (1), then everyone else (0); within a priority, the oldest wait first.
    priority = models.SmallIntegerField(_("priority"), default=0)
    # How far each side has read (a message's seq): shown to the other side, kept across reconnects.
    customer_read_seq = models.PositiveIntegerField(_("read by the customer up to"), default=0)
    staff_read_seq = models.PositiveIntegerField(_("read by staff up to"), default=0)
    last_seq = models.PositiveIntegerField(default=0, verbose_name=_("last message no."))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("started at"))
    queued_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_staff_reply_at = models.DateTimeField(null=True, blank=True)
    last_customer_activity_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    close_reason = models.CharField(_("close reason"), max_length=32, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["status", "-priority", "queued_at"], name="chat_queue_idx"),
            models.Index(fields=["assigned_staff", "status"]),
            models.Index(fields=["customer", "-created_at"]),
            # The scoreboard: chats closed or queued in a period, and whether a customer came back.
            models.Index(fields=["closed_at"], name="chat_closed_idx", condition=Q(closed_at__isnull=False)),
            models.Index(fields=["queued_at"], name="chat_queued_idx", condition=Q(queued_at__isnull=False)),
            models.Index(fields=["customer", "topic", "created_at"], name="chat_topic_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="chat_rating_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk} ({self.status})"


class CloseReason(models.TextChoices):
    """Why a chat ended: chosen by staff when they close it, or set by the system."""

    RESOLVED = "RESOLVED", _("Resolved")
    CUSTOMER_LEFT = "CUSTOMER_LEFT", _("The customer stopped answering")
    FOLLOW_UP = "FOLLOW_UP", _("Continues as a task or callback")
    OUT_OF_SCOPE = "OUT_OF_SCOPE", _("Not an insurance question")
    ABUSIVE = "ABUSIVE", _("Abusive or spam")
    IDLE = "IDLE", _("Closed when idle")


class SenderKind(models.TextChoices):
    CUSTOMER = "CUSTOMER", _("Customer")
    BOT = "BOT", _("Bot")
    STAFF = "STAFF", _("Staff")
    SYSTEM = "SYSTEM", _("System")


class Message(models.Model):
    """Stored before it is broadcast; `seq` numbers a conversation's messages 1, 2, 3… without gaps."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    sender_kind = models.CharField(max_length=8, choices=SenderKind.choices)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    # NULL, not "", for messages without a client id: the partial unique constraint ignores them.
    client_message_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now)
    bot_confidence = models.FloatField(null=True, blank=True)
    # The bot's "you may also mean" questions, tappable in the app.
    suggestions = models.JSONField(_("suggested questions"), default=list, blank=True)
    faq = models.ForeignKey("FaqEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    helpful = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_message_id"],
                condition=Q(client_message_id__isnull=False),
                name="message_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.seq}"


class ChatNote(models.Model):
    """A private note on a conversation: staff read it, the customer never does. Notes are not
    messages, so the customer's gap-free `seq` is untouched."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="notes", verbose_name=_("conversation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    body = models.CharField(_("note"), max_length=1000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        indexes = [models.Index(fields=["conversation", "created_at"], name="chat_note_conv_idx")]

    def __str__(self) -> str:
        return f"note on {self.conversation_id}"


class PersonalFigures(models.TextChoices):
    NONE = "", _("None")
    LOAN_RATE = "LOAN_RATE", _("The customer's loan rates")
    LOAN_QUOTA = "LOAN_QUOTA", _("What the customer can borrow")
    CASH_VALUE = "CASH_VALUE", _("The customer's cash values")


class FaqEntry(models.Model):
    # A stable name for the entry (the evaluation set and suggestions refer to it).
    key = models.SlugField(_("key"), max_length=40, unique=True, null=True, blank=True)
    question_zh = models.CharField(_("question (Chinese)"), max_length=200)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    variants = models.TextField(_("other wordings, one per line"), blank=True)
    keywords = models.CharField(_("keywords, comma separated"), max_length=300, blank=True)
    answer_zh = models.TextField(_("answer (Chinese)"))
    answer_en = models.TextField(_("answer (English)"), blank=True)
    personal = models.CharField(
        _("customer's own figures added to the answer"),
        max_length=12,
        choices=PersonalFigures.choices,
        default=PersonalFigures.NONE,
        blank=True,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ")

    def __str__(self) -> str:
        return self.question_zh


class CannedResponse(models.Model):
    title = models.CharField(_("title"), max_length=64)
    body = models.TextField(_("body"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self) -> str:
        return self.title


class LeftMessage(models.Model):
    """Outside service hours: a message with a callback number that staff follow up."""

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="left_message")
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="left_messages", verbose_name=_("customer")
    )
    body = models.TextField()
    callback_phone = models.CharField(max_length=11, verbose_name=_("callback phone"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("left at"))
    handled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("handled at"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("left message")
        verbose_name_plural = _("left messages")

    def __str__(self) -> str:
        return f"left message of conversation {self.conversation_id}"
