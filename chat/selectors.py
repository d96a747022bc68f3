"""Who may see which conversation: its customer, and the service desk."""

from django.db.models import QuerySet

from accounts.models import Role

from .models import Conversation


def conversation_scope(queryset: QuerySet[Conversation], *, viewer) -> QuerySet[Conversation]:
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return queryset
    customer = getattr(viewer, "customer", None) if viewer.role == Role.CUSTOMER else None
    return queryset.filter(customer=customer) if customer is not None else queryset.none()


def is_staff(viewer) -> bool:
    return viewer is not None and viewer.role in (Role.STAFF, Role.ADMIN)


def chat_stats() -> dict:
    """Bot resolution rate (closed without a person), median human answer time, average rating."""
    from django.db.models import Avg, Count, Q

    totals = Conversation.objects.aggregate(
        closed=Count("pk", filter=Q(status="CLOSED")),
        bot_only=Count("pk", filter=Q(status="CLOSED", queued_at__isnull=True)),
        rating=Avg("rating"),
    )
    answered = Conversation.objects.filter(first_staff_reply_at__isnull=False, assigned_at__isnull=False)
    waits = sorted(
        (c.first_staff_reply_at - c.assigned_at).total_seconds()
        for c in answered.only("first_staff_reply_at", "assigned_at")[:10000]
    )
    return {
        "bot_resolution_rate": totals["bot_only"] / totals["closed"] if totals["closed"] else None,
        "median_answer_seconds": waits[len(waits) // 2] if waits else None,
        "average_rating": float(totals["rating"]) if totals["rating"] is not None else None,
    }
