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
