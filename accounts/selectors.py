"""Reads of accounts, scoped to what the viewer may see."""

from django.db.models import QuerySet

from .models import AgentProfile, CustomerProfile, Role, User


def user_scope(queryset: QuerySet[User], *, viewer: User | None) -> QuerySet[User]:
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return queryset
    return queryset.filter(pk=viewer.pk)


def customer_scope(queryset: QuerySet[CustomerProfile], *, viewer: User | None) -> QuerySet[CustomerProfile]:
    """A customer sees themself; staff see everyone; an agent sees the customers whose policies they service."""
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return queryset
    if viewer.role == Role.CUSTOMER:
        return queryset.filter(user_id=viewer.pk)
    if viewer.role == Role.AGENT:
        return queryset.filter(pk__in=_serviced_customer_ids(viewer))
    return queryset.none()


def _serviced_customer_ids(viewer: User):
    # Holders of the policies this agent services (the policies app owns that relation).
    return CustomerProfile.objects.filter(held_policies__servicing_agent__user_id=viewer.pk).values("pk")


def agent_scope(queryset: QuerySet[AgentProfile], *, viewer: User | None) -> QuerySet[AgentProfile]:
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return queryset
    return queryset.filter(user_id=viewer.pk)
