"""Push messages that are done with (sent, failed for good, or withdrawn) past RETENTION_DAYS; the
inbox keeps what the customer reads."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import PushMessage, PushStatus

logger = logging.getLogger(__name__)
DONE = (PushStatus.SENT, PushStatus.FAILED, PushStatus.WITHDRAWN)


def retention_purge(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_DAYS["push_messages"])
    pushes, _ = PushMessage.objects.filter(status__in=DONE, created_at__lt=cutoff).delete()
    logger.info("retention: purged %d push messages", pushes)
    return {"push_messages": pushes}
