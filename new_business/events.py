"""Application events: one line of progress, sent after it commits to whoever watches the
application (the agent's app, the customer's). A replay builds the same dataclass from the store."""

from dataclasses import dataclass
from typing import ClassVar

from core.broadcast import EVENT_TYPE, event_decode, event_kind, event_send_on_commit

CHANNEL_TYPE = EVENT_TYPE
decode = event_decode


def application_group(application_id: int) -> str:
    return f"new_business.application.{application_id}"


@event_kind
@dataclass(frozen=True)
class ApplicationStepEvent:
    kind: ClassVar[str] = "APPLICATION_STEP"
    application_id: int
    seq: int
    status: str
    code: str
    params: dict
    at: str  # ISO 8601


def step_event(step) -> ApplicationStepEvent:
    return ApplicationStepEvent(
        application_id=step.application_id,
        seq=step.seq,
        status=step.status,
        code=step.code,
        params=dict(step.params or {}),
        at=step.at.isoformat(),
    )


def step_send_on_commit(step) -> None:
    event_send_on_commit(application_group(step.application_id), step_event(step))
