"""Surveys: raised after a touchpoint (sampled, cooled down, never to who muted them), answered
once, and a negative answer handed to a person in the same transaction."""

import hashlib
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import CustomerProfile
from core.errors import ErrorCode, ServiceError
from operations.models import SubjectType, TaskKind
from operations.services import tasks
from reminders import selectors as reminder_selectors
from reminders.services.inbox import notification_create
from reminders.services.outbox import push_enqueue
from reminders.services.push import delivery_time

from .. import sentiment
from ..models import Question, Survey, SurveyRule, SurveyStatus, Touchpoint

logger = logging.getLogger(__name__)
MAX_COMMENT = 1000


def sampled(*, touchpoint: str, subject_type: str, subject_id: int, share_percent: Decimal) -> bool:
    """Whether this occurrence is surveyed: a hash of it against the share, so the choice is random
    across occurrences but the same every time it is asked (tests fix SURVEY_SAMPLING_SEED)."""
    if share_percent >= 100:
        return True
    if share_percent <= 0:
        return False
    seed = getattr(settings, "SURVEY_SAMPLING_SEED", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"{seed}:{touchpoint}:{subject_type}:{subject_id}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64  # uniform in [0, 1)
    return draw * 100 < share_percent


def survey_title(touchpoint: str) -> str:
    """In the active language (callers override it with the customer's)."""
    titles = {
        Touchpoint.SERVICING_COMPLETED: _("How did we do with your request?"),
        Touchpoint.LOAN_DISBURSED: _("How was your policy loan?"),
        Touchpoint.BENEFIT_PAID: _("How was collecting your benefit?"),
        Touchpoint.CHAT_CLOSED: _("How was your chat with us?"),
        Touchpoint.POLICY_ISSUED: _("How was getting your new policy?"),
        Touchpoint.CALLBACK_DONE: _("How was our call?"),
    }
    return str(titles[touchpoint])


def survey_raise(
    *, touchpoint: str, subject_type: str, subject_id: int, customer_id: int, now: datetime | None = None
) -> Survey | None:
    """Send a survey about one occurrence of a touchpoint, if its rule samples it, the customer has
    not muted surveys and had none within the cool-down. Safe to repeat: one survey per occurrence."""
    now = now or timezone.now()
    rule = SurveyRule.objects.filter(touchpoint=touchpoint, active=True).first()
    if rule is None or not sampled(
        touchpoint=touchpoint,
        subject_type=subject_type,
        subject_id=subject_id,
        share_percent=rule.share_percent,
    ):
        return None
    with transaction.atomic():
        # One customer's surveys are decided one at a time: two touchpoints at once send one survey.
        customer = CustomerProfile.objects.select_for_update().select_related("user").get(pk=customer_id)
        if reminder_selectors.surveys_muted(customer.user_id):
            return None
        if Survey.objects.filter(
            customer=customer, created_at__gt=now - timedelta(days=rule.cool_down_days)
        ).exists():
            return None
        language = reminder_selectors.language_of(customer.user_id)
        survey = Survey(
            customer=customer,
            touchpoint=touchpoint,
            subject_type=subject_type,
            subject_id=subject_id,
            questions=rule.questions,
            language=language,
            created_at=now,
            expires_at=now + timedelta(days=rule.expiry_days),
        )
        try:
            with transaction.atomic():
                survey.save()
        except IntegrityError:
            return None  # this occurrence was surveyed already
        _deliver(survey, customer, now)
    return survey


def _deliver(survey: Survey, customer, now: datetime) -> None:
    """The inbox and a push (after the quiet hours), in the customer's language."""
    with translation.override(survey.language):
        title = survey_title(survey.touchpoint)
        body = _("It takes a minute: your answer helps us serve you better.")
    notification_create(
        user=customer.user, kind="SURVEY", title=title, body=body, language=survey.language, subject=survey
    )
    push_enqueue(
        user_id=customer.user_id,
        app="CUSTOMER_APP",
        kind="SURVEY",
        title=title,
        body=body,
        data={"type": "SURVEY", "surveyId": survey.pk, "link": f"nuanxin://surveys/{survey.pk}"},
        not_before=delivery_time(now),
    )


def survey_answer(
    *,
    survey: Survey,
    nps: int | None = None,
    csat: int | None = None,
    comment: str | None = None,
    now: datetime | None = None,
) -> Survey:
    """Answer a survey once. A negative answer (NPS 0–6, CSAT 1–2 or a negative comment) raises a
    follow-up task for a person in the same transaction."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    _validate(survey, nps=nps, csat=csat, comment=comment)
    verdict = sentiment.classify(comment) if comment else None
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status != SurveyStatus.PENDING or survey.expires_at <= now:
            raise ServiceError(ErrorCode.NOT_FOUND, gettext_lazy("Not found."), field="surveyId")
        survey.nps, survey.csat, survey.comment = nps, csat, comment
        survey.sentiment = verdict.label if verdict else ""
        survey.sentiment_score = verdict.score if verdict else None
        survey.negative = bool(
            (nps is not None and nps <= 6)
            or (csat is not None and csat <= 2)
            or (verdict is not None and verdict.label == sentiment.NEG)
        )
        survey.status = SurveyStatus.ANSWERED
        survey.answered_at = now
        survey.save()
        if survey.negative:
            tasks.task_raise(
                kind=TaskKind.FEEDBACK_FOLLOW_UP,
                subject_type=SubjectType.SURVEY,
                subject_id=survey.pk,
                customer=survey.customer,
                title=(comment or survey.get_touchpoint_display())[:80],
                now=now,
            )
    return survey


def _validate(survey: Survey, *, nps, csat, comment: str) -> None:
    asked = set(survey.questions)
    if nps is None and csat is None and not comment:
        raise ServiceError(
            ErrorCode.INVALID, gettext_lazy("Please answer at least one question."), field="nps"
        )
    checks = (
        ("nps", nps, Question.NPS, lambda v: 0 <= v <= 10, gettext_lazy("Choose a score from 0 to 10.")),
        ("csat", csat, Question.CSAT, lambda v: 1 <= v <= 5, gettext_lazy("Choose a score from 1 to 5.")),
    )
    for field, value, question, valid, message in checks:
        if value is None:
            continue
        if question not in asked:
            raise ServiceError(ErrorCode.INVALID, gettext_lazy("This survey does not ask that."), field=field)
        if not valid(value):
            raise ServiceError(ErrorCode.INVALID, message, field=field)
    if comment:
        if Question.COMMENT not in asked:
            raise ServiceError(
                ErrorCode.INVALID, gettext_lazy("This survey does not ask that."), field="comment"
            )
        if len(comment) > MAX_COMMENT:
            raise ServiceError(
                ErrorCode.INVALID,
                gettext_lazy("A comment can have at most 1000 characters."),
                field="comment",
            )
        if any(ord(c) < 32 and c not in "\n\t" for c in comment):
            raise ServiceError(
                ErrorCode.INVALID,
                gettext_lazy("The comment contains characters that cannot be shown."),
                field="comment",
            )


def follow_up_completed(*, task, outcome: str, note: str, user) -> None:
    """Completing a FEEDBACK_FOLLOW_UP task: the outcome kept on the survey, the customer told."""
    survey = Survey.objects.select_for_update().select_related("customer__user").get(pk=task.subject_id)
    if task.status != "DONE":
        return  # an unanswered call, tried again later: nothing to tell yet
    survey.follow_up_outcome = outcome
    survey.follow_up_note = note[:500]
    survey.followed_up_at = timezone.now()
    survey.save(update_fields=["follow_up_outcome", "follow_up_note", "followed_up_at"])
    language = survey.language
    with translation.override(language):
        title = _("About your feedback")
        if outcome == "RESOLVED":
            body = _("Thank you for telling us. We followed up on your feedback and the matter is resolved.")
        elif outcome == "UNREACHABLE":
            body = _(
                "We tried to call you about your feedback but could not reach you. Chat with us any time."
            )
        else:
            body = _(
                "Thank you for telling us. We followed up on your feedback; a colleague will keep working on it."
            )
    notification_create(
        user=survey.customer.user,
        kind="FEEDBACK_REPLY",
        title=title,
        body=body,
        language=language,
        subject=survey,
    )


def surveys_expire(*, now: datetime | None = None) -> int:
    """Surveys past their expiry are no longer asked (they stay, unanswered, in the figures)."""
    now = now or timezone.now()
    return Survey.objects.filter(status=SurveyStatus.PENDING, expires_at__lte=now).update(
        status=SurveyStatus.EXPIRED
    )
