"""The SLA watch: tasks past 80% of their SLA, or past it, are flagged once and supervisors told."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import events
from ..models import OPEN_STATUSES, Task

BATCH = 500


def sla_flags_announce(*, now: datetime | None = None) -> dict:
    """Announce newly at-risk and newly overdue tasks, each once (SKIP LOCKED: several runners are
    safe). Returns the counts."""
    now = now or timezone.now()
    counts = {"at_risk": 0, "overdue": 0}
    for field, deadline, overdue in (
        ("at_risk_announced_at", "at_risk_from", False),
        ("overdue_announced_at", "due_at", True),
    ):
        while True:
            with transaction.atomic():
                batch = list(
                    Task.objects.select_for_update(skip_locked=True)
                    .filter(status__in=OPEN_STATUSES, **{f"{deadline}__lte": now, f"{field}__isnull": True})
                    .order_by(deadline)[:BATCH]
                )
                if not batch:
                    break
                Task.objects.filter(pk__in=[task.pk for task in batch]).update(**{field: now})
                for task in batch:
                    events.sla_at_risk(task, overdue=overdue)
            counts["overdue" if overdue else "at_risk"] += len(batch)
    return counts
