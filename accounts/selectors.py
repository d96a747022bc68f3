"""Reads of accounts, scoped to what the viewer may see."""

from django.db.models import Q, QuerySet

from .models import AgentProfile, CustomerProfile, Role, User


def user_scope(queryset: QuerySet[User], *, viewer: User | None) -> QuerySet[User]:
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return queryset
    return queryset.filter(pk=viewer.pk)


def sees_every_customer(viewer: User | None) -> bool:
    """Admins and supervisors (the `supervisor` role) oversee all work and everyone in it."""
    if viewer is None or viewer.role not in (Role.STAFF, Role.ADMIN):
        return False
    if viewer.role == Role.ADMIN or viewer.is_superuser:
        return True
    if not hasattr(viewer, "_nuanxin_supervisor"):
        viewer._nuanxin_supervisor = viewer.groups.filter(name="supervisor").exists()
    return viewer._nuanxin_supervisor


def customers_in_hand(viewer: User) -> QuerySet[CustomerProfile]:
    """Ids of the customers a staff member handles right now: a task assigned to them, or an active
    chat (the pool and the chat desk own those relations; reached here by name)."""
    return (
        CustomerProfile.objects.filter(
            Q(tasks__assignee_id=viewer.pk, tasks__status="ASSIGNED")
            | Q(conversations__assigned_staff_id=viewer.pk, conversations__status="ACTIVE")
        )
        .values("pk")
        .distinct()
    )


def customer_scope(queryset: QuerySet[CustomerProfile], *, viewer: User | None) -> QuerySet[CustomerProfile]:
    """A customer sees themself; staff the customers they handle right now (supervisors everyone);
    an agent the customers whose policies they service."""
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return queryset if sees_every_customer(viewer) else queryset.filter(pk__in=customers_in_hand(viewer))
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
