"""What completing a task of each kind means. The app that owns a task's subject registers the
service its completion drives (policies: reviews and payout callbacks; chat: left messages), so the
pool never imports the apps above it."""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..models import TaskKind, TaskOutcome

O = TaskOutcome  # noqa: E741  (short: the table below reads as DESIGN.md)


@dataclass(frozen=True)
class Completion:
    outcomes: tuple[str, ...]
    # Outcomes that need a note (the reason of a rejection).
    note_required: tuple[str, ...] = ()
    # Outcomes that need a score (QA).
    score_required: tuple[str, ...] = ()
    # Called in the completing transaction with (task=, outcome=, note=, user=); it raises a
    # ServiceError to refuse (and nothing is written).
    run: Callable[..., None] | None = None
    # How many unanswered calls before UNREACHABLE finishes the task (None: keep trying; the
    # subject's own deadline ends it).
    max_attempts: int | None = 3
    # The number to call for a callback kind, given the task (None: the customer's own phone).
    call_number: Callable[..., str] | None = None
    extra: dict = field(default_factory=dict)


CALLBACK_OUTCOMES = (O.CONFIRMED, O.REFUSED, O.UNREACHABLE)
FOLLOW_UP_OUTCOMES = (O.RESOLVED, O.UNRESOLVED, O.UNREACHABLE)

_COMPLETIONS: dict[str, Completion] = {
    TaskKind.SERVICING_REVIEW: Completion(outcomes=(O.APPROVE, O.REJECT), note_required=(O.REJECT,)),
    # Underwriting approves, declines or postpones (a reason for the last two).
    TaskKind.UNDERWRITING: Completion(
        outcomes=(O.APPROVE, O.DECLINE, O.POSTPONE), note_required=(O.DECLINE, O.POSTPONE)
    ),
    TaskKind.ELDER_CALLBACK: Completion(outcomes=CALLBACK_OUTCOMES, max_attempts=None),
    TaskKind.NEW_POLICY_CALLBACK: Completion(outcomes=CALLBACK_OUTCOMES),
    TaskKind.LEFT_MESSAGE_CALLBACK: Completion(outcomes=FOLLOW_UP_OUTCOMES),
    TaskKind.FEEDBACK_FOLLOW_UP: Completion(outcomes=FOLLOW_UP_OUTCOMES),
    TaskKind.QA_REVIEW: Completion(outcomes=(O.PASS, O.FAIL), score_required=(O.PASS, O.FAIL)),
}


def completion_register(kind: str, *, run: Callable[..., None], **changes) -> None:
    """Attach the service that completing a task of `kind` drives (called from an AppConfig.ready)."""
    current = _COMPLETIONS[kind]
    _COMPLETIONS[kind] = Completion(
        outcomes=changes.get("outcomes", current.outcomes),
        note_required=changes.get("note_required", current.note_required),
        score_required=current.score_required,
        run=run,
        max_attempts=changes.get("max_attempts", current.max_attempts),
        call_number=changes.get("call_number", current.call_number),
    )


# Kinds whose work is a phone call: the workbench shows the number only once the call starts.
CALL_KINDS = frozenset(
    {
        TaskKind.ELDER_CALLBACK,
        TaskKind.NEW_POLICY_CALLBACK,
        TaskKind.LEFT_MESSAGE_CALLBACK,
        TaskKind.FEEDBACK_FOLLOW_UP,
    }
)


def completion_for(kind: str) -> Completion:
    return _COMPLETIONS[kind]
