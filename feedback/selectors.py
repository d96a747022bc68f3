"""Who sees which survey (its customer, while it is open), and the surveys' figures."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from accounts.models import Role
from accounts.selectors import customers_in_hand, sees_every_customer

from .models import Survey, SurveyStatus


def survey_scope(queryset: QuerySet[Survey], *, viewer, now: datetime) -> QuerySet[Survey]:
    """A customer's own surveys (one expired and never answered looks missing); staff those of the
    customers they handle right now (a follow-up task shows its answer); supervisors all."""
    if viewer is not None and viewer.role in (Role.STAFF, Role.ADMIN):
        if sees_every_customer(viewer):
            return queryset
        return queryset.filter(customer__in=customers_in_hand(viewer))
    customer = (
        getattr(viewer, "customer", None) if viewer is not None and viewer.role == Role.CUSTOMER else None
    )
    if customer is None:
        return queryset.none()
    return (
        queryset.filter(customer=customer)
        .exclude(status=SurveyStatus.EXPIRED)
        .exclude(status=SurveyStatus.PENDING, expires_at__lte=now)
    )


def surveys_for_customer(*, viewer, now: datetime, pending: bool | None = None) -> QuerySet[Survey]:
    surveys = survey_scope(Survey.objects.all(), viewer=viewer, now=now)
    if pending is True:
        surveys = surveys.filter(status=SurveyStatus.PENDING)
    elif pending is False:
        surveys = surveys.filter(status=SurveyStatus.ANSWERED)
    return surveys.order_by("-created_at", "-pk")


def survey_figures(*, start: datetime, end: datetime) -> dict:
    """Sent and answered in [start, end); CSAT as the share of 4–5 answers, NPS as promoters (9–10)
    minus detractors (0–6) in percent, among the answers given in the window."""
    sent = Survey.objects.filter(created_at__gte=start, created_at__lt=end).count()
    answered = Survey.objects.filter(answered_at__gte=start, answered_at__lt=end)
    c = answered.aggregate(
        answered=Count("pk"),
        csat_n=Count("pk", filter=Q(csat__isnull=False)),
        csat_top=Count("pk", filter=Q(csat__gte=4)),
        nps_n=Count("pk", filter=Q(nps__isnull=False)),
        promoters=Count("pk", filter=Q(nps__gte=9)),
        detractors=Count("pk", filter=Q(nps__lte=6)),
    )
    return {
        "surveys_sent": sent,
        "surveys_answered": c["answered"],
        "csat": c["csat_top"] / c["csat_n"] if c["csat_n"] else None,
        "nps": (c["promoters"] - c["detractors"]) * 100 / c["nps_n"] if c["nps_n"] else None,
    }


def touchpoint_figures(*, start: datetime, end: datetime) -> dict:
    """Answers, CSAT and NPS per touchpoint in [start, end): one grouped query."""
    rows = (
        Survey.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .values("touchpoint")
        .annotate(
            answered=Count("pk"),
            csat_n=Count("pk", filter=Q(csat__isnull=False)),
            csat_top=Count("pk", filter=Q(csat__gte=4)),
            nps_n=Count("pk", filter=Q(nps__isnull=False)),
            promoters=Count("pk", filter=Q(nps__gte=9)),
            detractors=Count("pk", filter=Q(nps__lte=6)),
            negative=Count("pk", filter=Q(negative=True)),
        )
    )
    return {
        row["touchpoint"]: {
            "answered": row["answered"],
            "negative": row["negative"],
            "csat": row["csat_top"] / row["csat_n"] if row["csat_n"] else None,
            "nps": (row["promoters"] - row["detractors"]) * 100 / row["nps_n"] if row["nps_n"] else None,
        }
        for row in rows
    }
