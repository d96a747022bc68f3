"""Idempotency records past the window in which an app retries, and audit events past the regulatory
period (RETENTION_DAYS)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import AuditEvent, IdempotencyRecord

logger = logging.getLogger(__name__)


def retention_purge(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    days = settings.RETENTION_DAYS
    records, _ = IdempotencyRecord.objects.filter(
        created_at__lt=now - timedelta(days=days["idempotency_records"])
    ).delete()
    audit, _ = AuditEvent.objects.filter(created_at__lt=now - timedelta(days=days["audit_events"])).delete()
    counts = {"idempotency_records": records, "audit_events": audit}
    logger.info("retention: purged %s", counts)
    return counts
