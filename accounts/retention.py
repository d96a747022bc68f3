"""Sign-in records past their use: one-time codes (kept a day as the send-rate log), lockout counters,
sessions that ended (logged out, or their last refresh token expired) with their tokens."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import AuthSession, LoginThrottle, OtpCode, RefreshToken

logger = logging.getLogger(__name__)


def retention_purge(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    days = settings.RETENTION_DAYS
    codes, _ = OtpCode.objects.filter(created_at__lt=now - timedelta(days=days["one_time_codes"])).delete()
    stale = now - timedelta(days=days["login_throttles"])
    throttles, _ = LoginThrottle.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now), window_started_at__lt=stale
    ).delete()
    ended = now - timedelta(days=days["sessions"])
    alive = RefreshToken.objects.filter(session=OuterRef("pk"), expires_at__gte=ended)
    _deleted, by_model = AuthSession.objects.filter(
        Q(revoked_at__lt=ended) | (Q(revoked_at__isnull=True, created_at__lt=ended) & ~Exists(alive))
    ).delete()
    counts = {
        "one_time_codes": codes,
        "login_throttles": throttles,
        "sessions": by_model.get("accounts.AuthSession", 0),
    }
    logger.info("retention: purged %s", counts)
    return counts
