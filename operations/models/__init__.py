"""The national pool of human work: tasks, the staff who take them, and the calendar their SLAs
are counted in."""

from .calendar import CalendarDay, DayKind, ServiceHours, SlaClock, SlaPolicy
from .staff import Availability, StaffLanguage, StaffPresence, StaffSkill
from .tasks import (
    KIND_SKILL,
    OPEN_STATUSES,
    Language,
    QaRule,
    Skill,
    SubjectType,
    Task,
    TaskKind,
    TaskOutcome,
    TaskStatus,
)

__all__ = [
    "KIND_SKILL",
    "OPEN_STATUSES",
    "Availability",
    "CalendarDay",
    "DayKind",
    "Language",
    "QaRule",
    "ServiceHours",
    "Skill",
    "SlaClock",
    "SlaPolicy",
    "StaffLanguage",
    "StaffPresence",
    "StaffSkill",
    "SubjectType",
    "Task",
    "TaskKind",
    "TaskOutcome",
    "TaskStatus",
]
