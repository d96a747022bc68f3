"""Chat transcripts are kept for the regulatory period (RETENTION_DAYS["transcripts"], set from
TRANSCRIPT_RETENTION_DAYS); closed ones older than that go, with their messages and notes."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Conversation, ConversationStatus

logger = logging.getLogger(__name__)


def retention_purge(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_DAYS["transcripts"])
    old = Conversation.objects.filter(status=ConversationStatus.CLOSED, closed_at__lt=cutoff)
    _total, by_model = old.delete()
    counts = {
        "conversations": by_model.get("chat.Conversation", 0),
        "messages": by_model.get("chat.Message", 0),
    }
    logger.info("retention: purged %s", counts)
    return counts
