"""The new-policy return visit (回访): raised when a policy is issued and answered in the app; one not
done in 5 days, answered "no", or for a customer aged 60 and over goes to a person on the phone."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError
from core.money import business_today
from operations.models import SubjectType, TaskKind
from operations.services import tasks as pool
from policies.services.common import audit_record

from ..models import CallbackQuestion, PolicyCallback, PolicyCallbackStatus

ANSWER_WITHIN = timedelta(days=5)
ELDERLY_AGE = 60


def policy_callback_raise(*, policy, now: datetime) -> PolicyCallback:
    """Raised in the issuing transaction; an elderly customer is called by a person straight away."""
    callback = PolicyCallback.objects.create(
        policy=policy, customer=policy.holder, created_at=now, due_at=now + ANSWER_WITHIN
    )
    if policy.holder.age_on(business_today()) >= ELDERLY_AGE:
        _to_phone(callback, reason="ELDERLY", now=now)
    return callback


def _to_phone(callback: PolicyCallback, *, reason: str, now: datetime) -> None:
    callback.status = PolicyCallbackStatus.PHONE
    callback.phone_reason = reason
    callback.save(update_fields=["status", "phone_reason"])
    pool.task_raise(
        kind=TaskKind.NEW_POLICY_CALLBACK,
        subject_type=SubjectType.POLICY,
        subject_id=callback.policy_id,
        customer=callback.customer,
        title=callback.policy.number,
        now=now,
    )


def policy_callback_answer(
    *, callback: PolicyCallback, answers: list[tuple[str, bool]], actor
) -> PolicyCallback:
    """The customer's answers: every question once; all "yes" closes it, any "no" calls them."""
    codes = list(CallbackQuestion.values)
    given: dict[str, bool] = {}
    for index, (code, yes) in enumerate(answers):
        if code not in codes or code in given:
            raise ServiceError(
                ErrorCode.INVALID,
                _("Answer each question of the callback once."),
                field=f"answers.{index}.code",
            )
        given[code] = bool(yes)
    if len(given) != len(codes):
        raise ServiceError(ErrorCode.INVALID, _("Please answer every question."), field="answers")
    now = timezone.now()
    with transaction.atomic():
        callback = (
            PolicyCallback.objects.select_for_update()
            .select_related("policy", "customer")
            .get(pk=callback.pk)
        )
        if callback.status != PolicyCallbackStatus.PENDING:
            raise ServiceError(
                ErrorCode.NOT_FOUND, _("This callback is no longer waiting for you."), field="callbackId"
            )
        callback.answers = [{"code": code, "yes": given[code]} for code in codes]
        callback.answered_at = now
        callback.save(update_fields=["answers", "answered_at"])
        if all(given.values()):
            callback.status = PolicyCallbackStatus.DONE
            callback.save(update_fields=["status"])
        else:
            _to_phone(callback, reason="ANSWERED_NO", now=now)
        audit_record(
            actor=actor,
            action="policy_callback.answer",
            obj=callback,
            after={"status": callback.status, "no": ",".join(code for code, yes in given.items() if not yes)},
        )
    return callback


def policy_callbacks_expire(*, now: datetime | None = None) -> int:
    """Callbacks not answered within 5 days go to the phone (the hourly job)."""
    now = now or timezone.now()
    moved = 0
    due = PolicyCallback.objects.filter(status=PolicyCallbackStatus.PENDING, due_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due[:1000]):
        with transaction.atomic():
            callback = (
                PolicyCallback.objects.select_for_update(skip_locked=True)
                .select_related("policy", "customer")
                .filter(pk=pk, status=PolicyCallbackStatus.PENDING)
                .first()
            )
            if callback is None:
                continue
            _to_phone(callback, reason="NOT_DONE_IN_TIME", now=now)
            moved += 1
    return moved


def policy_callbacks_cancel(*, policy) -> None:
    """A policy cancelled in its cooling-off period needs no return visit."""
    PolicyCallback.objects.filter(policy=policy, status=PolicyCallbackStatus.PENDING).update(
        status=PolicyCallbackStatus.CANCELLED
    )
    pool.subject_settled(
        subject_type=SubjectType.POLICY,
        subject_id=policy.pk,
        kinds=[TaskKind.NEW_POLICY_CALLBACK],
        cancelled=True,
    )


def phone_callback_complete(*, task, outcome: str, note: str, user) -> None:
    """The phone callback's outcome is kept on the callback (registered with the pool)."""
    callback = PolicyCallback.objects.select_for_update().filter(policy_id=task.subject_id).first()
    if callback is None:
        return
    callback.phone_outcome = outcome
    callback.save(update_fields=["phone_outcome"])
    audit_record(
        actor=user, action="policy_callback.phone", obj=callback, after={"outcome": outcome, "note": note}
    )
