"""Quality: finished tasks sampled for a second look, and the score kept against their handler."""

import hashlib
from datetime import datetime

from ..models import QaRule, SubjectType, Task, TaskKind, TaskStatus


def _sampled(task_id: int, share_percent: int) -> bool:
    # Deterministic per task (a retried transaction samples the same way), uniform over ids.
    digest = hashlib.sha256(f"qa:{task_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < share_percent


def qa_sample(*, task: Task, now: datetime) -> Task | None:
    """Raise a QA review of a task a person has just finished, when its kind's rule picks it."""
    if task.kind == TaskKind.QA_REVIEW or task.completed_by_id is None:
        return None
    rule = QaRule.objects.filter(kind=task.kind, active=True).first()
    if rule is None:
        return None
    handled = Task.objects.filter(
        kind=task.kind, completed_by_id=task.completed_by_id, status=TaskStatus.DONE
    )
    if not (handled.count() <= rule.first_tasks or _sampled(task.pk, rule.share_percent)):
        return None
    from .tasks import task_raise

    return task_raise(
        kind=TaskKind.QA_REVIEW,
        subject_type=SubjectType.TASK,
        subject_id=task.pk,
        customer=task.customer,
        title=str(task)[:200],
        language=task.language,
        subject_handler=task.completed_by,
        now=now,
    )


def qa_score_record(*, task: Task, score: int | None) -> None:
    """Keep a QA review's score on the task it reviewed: it counts for that task's handler."""
    Task.objects.filter(pk=task.subject_id).update(qa_score=score)
