"""Staff events of the pool, and the channel groups the workbench listens on (chat's desk events
travel on the same groups)."""

from dataclasses import dataclass
from typing import ClassVar

from core.broadcast import event_kind, event_send_on_commit

STAFF_ALL = "staff.all"
SUPERVISORS = "staff.supervisors"


def staff_group(user_id: int) -> str:
    return f"staff.{user_id}"


def skill_group(skill: str) -> str:
    """Everyone who takes work of `skill`: told when such work waits in the pool."""
    return f"staff.skill.{skill}"


@event_kind
@dataclass(frozen=True)
class TaskAssignedEvent:
    """To one person: a task is now theirs."""

    kind: ClassVar[str] = "TASK_ASSIGNED"
    task_id: int
    task_kind: str


@event_kind
@dataclass(frozen=True)
class TaskUpdatedEvent:
    """To supervisors and to the person concerned: a task was raised, returned, finished or moved."""

    kind: ClassVar[str] = "TASK_UPDATED"
    task_id: int
    task_kind: str
    status: str


@event_kind
@dataclass(frozen=True)
class SlaAtRiskEvent:
    """To supervisors (and the assignee): 80% of the task's SLA has passed, or it is overdue."""

    kind: ClassVar[str] = "SLA_AT_RISK"
    task_id: int
    task_kind: str
    overdue: bool


def task_updated(task) -> None:
    event = TaskUpdatedEvent(task_id=task.pk, task_kind=task.kind, status=task.status)
    event_send_on_commit(SUPERVISORS, event)
    if task.assignee_id:
        event_send_on_commit(staff_group(task.assignee_id), event)


def task_waiting(task) -> None:
    """A task entered the pool (raised or handed back): supervisors and everyone with its skill hear
    of it at once, whether or not the dispatcher finds someone free."""
    event = TaskUpdatedEvent(task_id=task.pk, task_kind=task.kind, status=task.status)
    event_send_on_commit(SUPERVISORS, event)
    event_send_on_commit(skill_group(task.skill), event)


def task_assigned(task) -> None:
    event_send_on_commit(
        staff_group(task.assignee_id), TaskAssignedEvent(task_id=task.pk, task_kind=task.kind)
    )
    event_send_on_commit(
        SUPERVISORS, TaskUpdatedEvent(task_id=task.pk, task_kind=task.kind, status=task.status)
    )


def sla_at_risk(task, *, overdue: bool) -> None:
    event = SlaAtRiskEvent(task_id=task.pk, task_kind=task.kind, overdue=overdue)
    event_send_on_commit(SUPERVISORS, event)
    if task.assignee_id:
        event_send_on_commit(staff_group(task.assignee_id), event)
