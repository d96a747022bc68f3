"""Presence: the availability a person chooses, kept alive by the workbench's heartbeat. A person
silent for PRESENCE_TIMEOUT is made OFFLINE and their work goes back to the front of the pool."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError

from .. import events, signals
from ..models import Availability, Skill, StaffPresence, StaffSkill, Task, TaskStatus
from . import dispatch

logger = logging.getLogger(__name__)
PRESENCE_TIMEOUT = timedelta(seconds=60)


def presence_set(
    *, user, status: str, capacity: int | None = None, now: datetime | None = None
) -> StaffPresence:
    """Choose one's availability; `capacity` is how many chats at once (for those who take chats).
    Going offline hands one's tasks and chats back to the front of the pool."""
    now = now or timezone.now()
    if status not in Availability.values:
        raise ServiceError(ErrorCode.INVALID, _("Unknown availability."), field="status")
    if capacity is not None and not 1 <= capacity <= 10:
        raise ServiceError(ErrorCode.INVALID, _("Capacity must be 1 to 10."), field="capacity")
    with transaction.atomic():
        presence, _created = StaffPresence.objects.select_for_update().get_or_create(user=user)
        previous = presence.status
        presence.status = status
        if status != Availability.OFFLINE:
            presence.last_heartbeat_at = now
        presence.save(update_fields=["status", "last_heartbeat_at", "updated_at"])
        if capacity is not None:
            StaffSkill.objects.filter(user=user, skill=Skill.CHAT).update(capacity=capacity)
        if status == Availability.OFFLINE and previous != Availability.OFFLINE:
            _hand_back(user, now)
        if status == Availability.ONLINE:
            transaction.on_commit(lambda: _available(user))
    return presence


def _available(user) -> None:
    dispatch.pool_dispatch()
    signals.staff_available.send(sender="operations", user=user)


def _hand_back(user, now: datetime) -> int:
    """The person's assigned tasks return to the front of the pool; chats follow (chat's receiver)."""
    returned = 0
    for task in Task.objects.select_for_update().filter(assignee=user, status=TaskStatus.ASSIGNED):
        dispatch.take_back(task, front=True)
        events.task_updated(task)
        returned += 1
    signals.staff_went_offline.send(sender="operations", user=user, now=now)
    transaction.on_commit(dispatch.pool_dispatch)
    return returned


def heartbeat(*, user, now: datetime | None = None) -> StaffPresence:
    """The workbench is open and connected: keep the chosen availability alive."""
    now = now or timezone.now()
    StaffPresence.objects.filter(user=user).exclude(status=Availability.OFFLINE).update(last_heartbeat_at=now)
    presence, _created = StaffPresence.objects.get_or_create(user=user)
    return presence


# After the workbench's socket closes, the person stays this long before the sweep may make them
# OFFLINE: more than one heartbeat interval (20 s), so a second open tab or a reconnecting page keeps
# them, and well under a minute, so a closed page is OFFLINE within ~35 s (sweep every 10 s).
SOCKET_GRACE = timedelta(seconds=25)


def socket_gone(*, user_id: int, now: datetime | None = None) -> int:
    """A staff member's websocket closed: their silence counts from now, so that without another
    heartbeat (another tab, the page reconnecting) the sweep finds them after SOCKET_GRACE."""
    now = now or timezone.now()
    silent_since = now - PRESENCE_TIMEOUT + SOCKET_GRACE
    return (
        StaffPresence.objects.filter(user_id=user_id, last_heartbeat_at__gt=silent_since)
        .exclude(status=Availability.OFFLINE)
        .update(last_heartbeat_at=silent_since)
    )


def presence_sweep(*, now: datetime | None = None) -> int:
    """Make everyone silent past the timeout OFFLINE (safe with several sweepers: each person's row
    is taken with SKIP LOCKED and checked again). Returns how many."""
    now = now or timezone.now()
    stale = _stale(now)
    swept = 0
    for pk in StaffPresence.objects.filter(stale).values_list("pk", flat=True):
        with transaction.atomic():
            presence = StaffPresence.objects.select_for_update(skip_locked=True).filter(stale, pk=pk).first()
            if presence is None:
                continue
            presence.status = Availability.OFFLINE
            presence.save(update_fields=["status", "updated_at"])
            returned = _hand_back(presence.user, now)
        logger.info("presence lost: staff %s offline, %d tasks back to the pool", presence.user_id, returned)
        swept += 1
    return swept


def _stale(now: datetime) -> Q:
    cutoff = now - PRESENCE_TIMEOUT
    return ~Q(status=Availability.OFFLINE) & (
        Q(last_heartbeat_at__lt=cutoff) | Q(last_heartbeat_at__isnull=True)
    )
