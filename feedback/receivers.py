"""Touchpoints, heard from the apps where they happen: each raises its survey after its own
transaction commits (through a task), so a survey can never fail or slow the customer's request."""

from core.tasks import enqueue_on_commit

from .models import Touchpoint

CALLBACK_KINDS = ("ELDER_CALLBACK", "LEFT_MESSAGE_CALLBACK", "NEW_POLICY_CALLBACK")


def _survey_later(*, touchpoint: str, subject_type: str, subject_id: int, customer_id: int) -> None:
    from .tasks import survey_raise

    enqueue_on_commit(
        survey_raise,
        touchpoint=touchpoint,
        subject_type=subject_type,
        subject_id=subject_id,
        customer_id=customer_id,
    )


def request_completed(sender, *, request, **kwargs) -> None:
    touchpoint = {
        "POLICY_LOAN": Touchpoint.LOAN_DISBURSED,
        "BENEFIT_CLAIM": Touchpoint.BENEFIT_PAID,
        # The first premium in is the policy issued.
        "FIRST_PREMIUM": Touchpoint.POLICY_ISSUED,
    }.get(request.type, Touchpoint.SERVICING_COMPLETED)
    _survey_later(
        touchpoint=touchpoint,
        subject_type="ServicingRequest",
        subject_id=request.pk,
        customer_id=request.customer_id,
    )


def chat_closed(sender, *, conversation, **kwargs) -> None:
    # Abuse is not service; a chat nobody wrote in (closed when idle with the bot alone) is not either.
    if conversation.close_reason == "ABUSIVE" or (
        conversation.close_reason == "IDLE" and not conversation.queued_at
    ):
        return
    _survey_later(
        touchpoint=Touchpoint.CHAT_CLOSED,
        subject_type="Conversation",
        subject_id=conversation.pk,
        customer_id=conversation.customer_id,
    )


def task_finished(sender, *, task, **kwargs) -> None:
    if task.kind not in CALLBACK_KINDS or task.outcome == "UNREACHABLE":
        return
    _survey_later(
        touchpoint=Touchpoint.CALLBACK_DONE,
        subject_type="Task",
        subject_id=task.pk,
        customer_id=task.customer_id,
    )


def connect() -> None:
    from chat.signals import chat_closed as chat_closed_signal
    from operations.models import TaskKind
    from operations.services.completion import completion_register
    from operations.signals import task_finished as task_finished_signal
    from policies.signals import request_completed as request_completed_signal

    from .services.surveys import follow_up_completed

    request_completed_signal.connect(request_completed, dispatch_uid="feedback.request_completed", weak=False)
    chat_closed_signal.connect(chat_closed, dispatch_uid="feedback.chat_closed", weak=False)
    task_finished_signal.connect(task_finished, dispatch_uid="feedback.task_finished", weak=False)
    completion_register(TaskKind.FEEDBACK_FOLLOW_UP, run=follow_up_completed)
