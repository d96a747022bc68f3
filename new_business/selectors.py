"""Permission-scoped reads of new business: an agent sees the applications they submitted, a
customer their own, staff those of the customers they handle (supervisors all)."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from accounts.models import Role, User
from accounts.selectors import customers_in_hand, sees_every_customer

from .models import (
    Application,
    ApplicationStep,
    HealthQuestion,
    PolicyCallback,
    PolicyCallbackStatus,
    SaleTerms,
)


def application_scope(queryset: QuerySet[Application], *, viewer: User | None) -> QuerySet[Application]:
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return (
            queryset
            if sees_every_customer(viewer)
            else queryset.filter(customer_id__in=customers_in_hand(viewer))
        )
    if viewer.role == Role.AGENT:
        return queryset.filter(agent__user_id=viewer.pk)
    if viewer.role == Role.CUSTOMER:
        return queryset.filter(customer__user_id=viewer.pk)
    return queryset.none()


def applications_for_agent(*, viewer: User, status: str | None = None) -> QuerySet[Application]:
    qs = application_scope(Application.objects.all(), viewer=viewer)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-pk")


def applications_for_customer(*, viewer: User) -> QuerySet[Application]:
    return application_scope(Application.objects.all(), viewer=viewer).order_by("-submitted_at", "-pk")


def steps_after(
    *, application_id: int, after_seq: int = 0, before_seq: int | None = None
) -> QuerySet[ApplicationStep]:
    qs = ApplicationStep.objects.filter(application_id=application_id, seq__gt=after_seq)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    return qs.order_by("seq")


def products_on_sale() -> QuerySet[SaleTerms]:
    return SaleTerms.objects.filter(on_sale=True).select_related("product").order_by("product__code")


def questions_by_product(product_ids) -> dict[int, list[HealthQuestion]]:
    grouped: dict[int, list[HealthQuestion]] = {}
    for question in HealthQuestion.objects.filter(product_id__in=list(product_ids)).order_by("order", "pk"):
        grouped.setdefault(question.product_id, []).append(question)
    return grouped


def callback_scope(queryset: QuerySet[PolicyCallback], *, viewer: User | None) -> QuerySet[PolicyCallback]:
    if viewer is None or viewer.role != Role.CUSTOMER:
        return queryset.none()
    return queryset.filter(customer__user_id=viewer.pk)


def pending_callbacks_for_customer(*, viewer: User) -> QuerySet[PolicyCallback]:
    return (
        callback_scope(PolicyCallback.objects.filter(status=PolicyCallbackStatus.PENDING), viewer=viewer)
        .select_related("policy")
        .order_by("due_at")
    )


def callback_figures(*, start: datetime, end: datetime) -> dict:
    """The e-callback rate: callbacks raised in the period and done in the app ÷ all raised (those
    cancelled with their policy left out); None when none were raised."""
    figures = (
        PolicyCallback.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=PolicyCallbackStatus.CANCELLED)
        .aggregate(raised=Count("pk"), done=Count("pk", filter=Q(status=PolicyCallbackStatus.DONE)))
    )
    rate = figures["done"] / figures["raised"] if figures["raised"] else None
    return {"e_callback_rate": rate}
