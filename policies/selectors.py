"""Permission-scoped reads: a customer sees what they hold, an agent what they service, staff everything."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import CustomerProfile, Role, User
from accounts.selectors import customers_in_hand, sees_every_customer
from core.db import median_seconds
from core.money import business_today

from .models import (
    OPEN_REQUEST,
    UNPAID_PREMIUM,
    BankAccount,
    Benefit,
    BenefitStatus,
    CashValue,
    LoanStatus,
    Policy,
    PolicyLoan,
    PremiumDue,
    RequestChannel,
    RequestStatus,
    RequestType,
    ServicingRequest,
)


def _customer_id(viewer: User | None) -> int | None:
    customer = getattr(viewer, "customer", None) if viewer is not None else None
    return customer.pk if customer else None


def _handled(queryset: QuerySet, viewer: User, customer_field: str) -> QuerySet:
    """Staff see a customer's details only while they handle the customer (a task or a chat);
    supervisors and admins see all (DESIGN.md, Operations)."""
    if sees_every_customer(viewer):
        return queryset
    return queryset.filter(**{f"{customer_field}__in": customers_in_hand(viewer)})


def policy_scope(queryset: QuerySet[Policy], *, viewer: User | None) -> QuerySet[Policy]:
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return _handled(queryset, viewer, "holder_id")
    if viewer.role == Role.AGENT:
        agent = getattr(viewer, "agent", None)
        return queryset.filter(servicing_agent=agent) if agent else queryset.none()
    return queryset.filter(holder_id=_customer_id(viewer)) if _customer_id(viewer) else queryset.none()


def policy_visible(policy: Policy, *, viewer: User | None) -> bool:
    """`policy_scope` for one loaded policy, without a query (customers and agents; staff are asked
    through the scope, since what they see depends on the work they hold)."""
    if viewer is None:
        return False
    if viewer.role == Role.AGENT:
        agent = getattr(viewer, "agent", None)
        return agent is not None and policy.servicing_agent_id == agent.pk
    if viewer.role == Role.CUSTOMER:
        return _customer_id(viewer) == policy.holder_id
    return policy_scope(Policy.objects.filter(pk=policy.pk), viewer=viewer).exists()


def policy_list_for_viewer(*, viewer: User | None) -> QuerySet[Policy]:
    return policy_scope(Policy.objects.all(), viewer=viewer)


def loan_scope(queryset: QuerySet[PolicyLoan], *, viewer: User | None) -> QuerySet[PolicyLoan]:
    return queryset.filter(policy__in=policy_scope(Policy.objects.all(), viewer=viewer))


def benefit_scope(queryset: QuerySet[Benefit], *, viewer: User | None) -> QuerySet[Benefit]:
    return queryset.filter(policy__in=policy_scope(Policy.objects.all(), viewer=viewer))


def bank_account_scope(queryset: QuerySet[BankAccount], *, viewer: User | None) -> QuerySet[BankAccount]:
    """Bank accounts are the customer's own; staff those of the customers they handle; agents none."""
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return _handled(queryset, viewer, "customer_id")
    customer_id = _customer_id(viewer)
    return queryset.filter(customer_id=customer_id) if customer_id else queryset.none()


def servicing_request_scope(queryset: QuerySet[ServicingRequest], *, viewer: User | None):
    if viewer is None:
        return queryset.none()
    if viewer.role in (Role.STAFF, Role.ADMIN):
        return _handled(queryset, viewer, "customer_id")
    if viewer.role == Role.AGENT:
        agent = getattr(viewer, "agent", None)
        return (
            queryset.filter(customer__held_policies__servicing_agent=agent).distinct()
            if agent
            else queryset.none()
        )
    customer_id = _customer_id(viewer)
    return queryset.filter(customer_id=customer_id) if customer_id else queryset.none()


def customers_of_agent(*, viewer: User, search: str | None = None) -> QuerySet[CustomerProfile]:
    """The customers whose policies this agent services, optionally matched by name or phone."""
    agent = getattr(viewer, "agent", None)
    if agent is None:
        return CustomerProfile.objects.none()
    qs = CustomerProfile.objects.filter(
        pk__in=Policy.objects.filter(servicing_agent=agent).values("holder_id")
    ).select_related("user")
    if search:
        search = search.strip()[:64]
        qs = qs.filter(Q(name__contains=search) | Q(user__phone__endswith=search))
    return qs.order_by("name", "pk")


def policy_loans_prefetch() -> Prefetch:
    """Every loan of the policy (a policy's loans are visible wherever the policy is): one read
    serves both its loan list and its loan quote, which takes the live ones."""
    return Prefetch("loans", queryset=PolicyLoan.objects.order_by("pk"), to_attr="loan_rows")


def policy_benefits_prefetch() -> Prefetch:
    return Prefetch("benefits", queryset=Benefit.objects.order_by("pk"), to_attr="benefit_rows")


# A policy sold here stores its whole premium schedule (a 20-year monthly policy: 240 rows); a list
# needs only the unpaid ones up to a year ahead: the next premium (never further away than one
# instalment, a year at most) and the arrears a loan quote subtracts.
UNPAID_HORIZON = timedelta(days=400)


def unpaid_premiums_prefetch() -> Prefetch:
    return Prefetch(
        "premiums",
        queryset=PremiumDue.objects.filter(
            status__in=UNPAID_PREMIUM, due_date__lte=business_today() + UNPAID_HORIZON
        ).order_by("due_date"),
        to_attr="unpaid_premiums",
    )


def open_loan_requests_prefetch() -> Prefetch:
    return Prefetch(
        "servicing_requests",
        queryset=ServicingRequest.objects.filter(type=RequestType.POLICY_LOAN, status__in=OPEN_REQUEST),
        to_attr="open_loan_requests",
    )


def cash_values_prefetch() -> Prefetch:
    return Prefetch("cash_values", queryset=CashValue.objects.all(), to_attr="cash_value_rows")


def policy_prefetches() -> list[Prefetch]:
    """What a policy list needs to list loans and benefits, quote loans and show next premiums
    without a query per policy (what `Policy`'s GraphQL fields prefetch)."""
    return [
        policy_loans_prefetch(),
        policy_benefits_prefetch(),
        unpaid_premiums_prefetch(),
        open_loan_requests_prefetch(),
        cash_values_prefetch(),
    ]


def loans_for_customer(*, customer, status: str | None = None) -> QuerySet[PolicyLoan]:
    """The customer's loans (as policyholder), oldest first."""
    qs = PolicyLoan.objects.filter(policy__holder=customer)
    return (qs.filter(status=status) if status else qs).order_by("created_at", "pk")


def benefits_for_customer(*, customer, status: str | None = None) -> QuerySet[Benefit]:
    """The customer's benefits that can be seen (scheduled ones are not yet), soonest first."""
    qs = Benefit.objects.filter(policy__holder=customer).exclude(status=BenefitStatus.SCHEDULED)
    return (qs.filter(status=status) if status else qs).order_by("available_from", "pk")


def bank_accounts_for_customer(*, customer) -> QuerySet[BankAccount]:
    return BankAccount.objects.filter(customer=customer).order_by("-added_at", "pk")


def servicing_requests_for_customer(*, customer) -> QuerySet[ServicingRequest]:
    return ServicingRequest.objects.filter(customer=customer).order_by("-submitted_at", "-pk")


def policies_held_by(*, viewer, status: str | None = None) -> QuerySet[Policy]:
    """The viewer's own policies as policyholder (within the viewer's scope)."""
    qs = policy_list_for_viewer(viewer=viewer).filter(holder=getattr(viewer, "customer", None))
    return (qs.filter(status=status) if status else qs).order_by("effective_date", "pk")


def active_loans_for_customer(*, customer, pks=None) -> QuerySet[PolicyLoan]:
    qs = PolicyLoan.objects.filter(policy__holder=customer, status=LoanStatus.ACTIVE)
    return (qs.filter(pk__in=pks) if pks is not None else qs).order_by("pk")


def servicing_figures(*, start, end) -> dict:
    """The scoreboard's servicing figures for [start, end): automation (decided in the window),
    the median automated decision, and the share of requests made in the apps (made in the window)."""
    decided = ServicingRequest.objects.filter(decided_at__gte=start, decided_at__lt=end)
    automated = Q(routed_at__isnull=True, decided_by__isnull=True)  # automation_stats' definition
    counts = decided.aggregate(total=Count("pk"), automatic=Count("pk", filter=automated))
    made = ServicingRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end).aggregate(
        total=Count("pk"), app=Count("pk", filter=Q(channel=RequestChannel.APP))
    )
    return {
        "automation_rate": counts["automatic"] / counts["total"] if counts["total"] else None,
        "median_decision_seconds": median_seconds(
            decided.filter(automated), start="submitted_at", end="decided_at"
        ),
        "online_service_share": made["app"] / made["total"] if made["total"] else None,
        "requests_decided": counts["total"],
        "requests_made": made["total"],
    }


def automation_stats(queryset=None) -> dict:
    """Share of decided requests decided without a person, and the median time automation took.

    The one definition (DESIGN.md, the service scoreboard): a request sent to a person is never
    automated, whoever decides it in the end; one still waiting for a person is not decided yet.
    """
    qs = queryset if queryset is not None else ServicingRequest.objects.all()
    decided = qs.filter(decided_at__isnull=False)
    total = decided.count()
    automated = decided.filter(routed_at__isnull=True, decided_by__isnull=True)
    automatic = automated.count()
    median = median_seconds(automated, start="submitted_at", end="decided_at")
    return {
        "waiting": qs.filter(
            status__in=(RequestStatus.PENDING_REVIEW, RequestStatus.HELD_FOR_CALLBACK)
        ).count(),
        "decided": total,
        "automatic": automatic,
        "automation_rate": automatic / total if total else None,
        "median_decision_seconds": median,
        "at": timezone.now(),
    }
