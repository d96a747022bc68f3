"""Thin Celery wrappers of the feedback services."""

from celery import shared_task

from .services import metrics, surveys


@shared_task(name="feedback.tasks.survey_raise", acks_late=True, max_retries=5, default_retry_delay=30)
def survey_raise(*, touchpoint: str, subject_type: str, subject_id: int, customer_id: int) -> bool:
    return (
        surveys.survey_raise(
            touchpoint=touchpoint, subject_type=subject_type, subject_id=subject_id, customer_id=customer_id
        )
        is not None
    )


@shared_task(name="feedback.tasks.surveys_expire")
def surveys_expire() -> int:
    return surveys.surveys_expire()


@shared_task(name="feedback.tasks.metrics_snapshot")
def metrics_snapshot() -> str:
    return str(metrics.snapshot_yesterday().day)
