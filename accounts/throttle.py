"""The login lockout: failures per phone and per client address, counted atomically in the
database. Five failures within the cool-off lock the key for 15 minutes (settings)."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LoginThrottle


def throttle_keys(*, phone: str, client_ip: str) -> list[str]:
    return [f"phone:{phone.strip().lower()[:64]}", f"ip:{client_ip}"]


def throttle_locked_for(keys: list[str], *, now: datetime | None = None) -> int | None:
    """Seconds until these keys may try again, or None when none of them is locked."""
    now = now or timezone.now()
    until = (
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return max(1, int((until - now).total_seconds()) + 1) if until else None


def throttle_fail(keys: list[str], *, now: datetime | None = None) -> bool:
    """Count one failure for each key, in its own committed transaction (the refusal that follows
    must not roll it back). Returns whether a key is now locked."""
    now = now or timezone.now()
    cooloff = settings.LOGIN_COOLOFF
    locked = False
    for key in sorted(keys):  # one order for every caller: no deadlocks between bursts
        with transaction.atomic():
            # get_or_create survives two first failures racing (the loser reads the winner's row);
            # the row lock then serializes the increments.
            LoginThrottle.objects.get_or_create(key=key, defaults={"window_started_at": now})
            row = LoginThrottle.objects.select_for_update().get(key=key)
            if now - row.window_started_at > cooloff:
                row.failures, row.window_started_at = 0, now
            row.failures += 1
            if row.failures >= settings.LOGIN_FAILURE_LIMIT:
                row.locked_until = now + cooloff
                locked = True
            row.save(update_fields=["failures", "window_started_at", "locked_until"])
    return locked


def throttle_reset(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()
