"""From an approved application to a policy in force: the customer confirms and the first premium is
collected through a payment instruction; its settlement issues the policy (premium schedule, cash
values, agent link) in one transaction. Within the cooling-off period the customer may cancel and
get every premium paid back."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import ClassVar

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ErrorCode, ServiceError
from core.money import business_today
from elder_mode import rules as elder_rules
from elder_mode.models import RiskOperation
from payments.models import Direction
from payments.services import instruction_create
from policies.models import (
    OPEN_REQUEST,
    BankAccount,
    CashValue,
    LoanStatus,
    Policy,
    PolicyStatus,
    PolicyStatusChange,
    PremiumDue,
    PremiumStatus,
    ProductKind,
    RequestStatus,
    RequestType,
    ServicingRequest,
)
from policies.services.common import (
    Outcome,
    audit_record,
    idempotent,
    request_complete,
    request_decide,
    request_open,
)
from policies.services.notify import request_outcome_notify
from policies.services.review import payout_route

from ..calculations import PERIODS, add_months, cash_value_table, premium_due_dates
from ..models import Application, ApplicationStatus, SaleTerms
from .callbacks import policy_callback_raise
from .progress import status_set, step_add

FIRST_PREMIUM = "FIRST_PREMIUM"
COOLING_OFF_REFUND = "COOLING_OFF_REFUND"


@dataclass
class ApplicationConfirmed(Outcome):
    MODELS: ClassVar[dict] = {"application": Application, "request": ServicingRequest}
    application: Application
    request: ServicingRequest


@dataclass
class CoolingOffCancelled(Outcome):
    MODELS: ClassVar[dict] = {"policy": Policy, "request": ServicingRequest}
    policy: Policy
    request: ServicingRequest


def _payable_account(bank_account: BankAccount, customer) -> None:
    if bank_account.customer_id != customer.pk or bank_account.verified_at is None:
        raise ServiceError(
            ErrorCode.NOT_ELIGIBLE, _("Use one of your verified bank accounts."), field="bankAccountId"
        )


def application_confirm(
    *,
    customer,
    actor,
    application: Application,
    bank_account: BankAccount,
    idempotency_key: str,
    risk_ack: str | None = None,
) -> ApplicationConfirmed:
    """The customer signs the approved application and pays the first premium from a verified
    account (idempotent per key; a second confirmation of the same application is refused)."""
    payload = {"application": application.pk, "bank_account": bank_account.pk}

    def run() -> ApplicationConfirmed:
        now = timezone.now()
        locked = (
            Application.objects.select_for_update()
            .select_related("agent", "customer", "product")
            .get(pk=application.pk)
        )
        elder_rules.risk_ack_consume(
            user=actor, customer=customer, operation=RiskOperation.NEW_POLICY, challenge_id=risk_ack, now=now
        )
        if locked.status != ApplicationStatus.AWAITING_PAYMENT:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                _("This application is not waiting for payment."),
                field="applicationId",
            )
        if locked.payment_started_at is not None:
            raise ServiceError(
                ErrorCode.IN_PROGRESS,
                _("The first premium is already being collected."),
                field="applicationId",
            )
        _payable_account(bank_account, customer)
        request = request_open(
            customer=customer,
            type=RequestType.FIRST_PREMIUM,
            amount=locked.premium,
            summary={
                "application": locked.number,
                "bank_account_id": bank_account.pk,
                "bank_account": bank_account.masked_number,
            },
            now=now,
        )
        request_decide(request, status=RequestStatus.AUTO_APPROVED, now=now)
        attempt = ServicingRequest.objects.filter(
            type=RequestType.FIRST_PREMIUM, summary__application=locked.number
        ).count()
        status_set(
            locked, ApplicationStatus.AWAITING_PAYMENT, payment_started_at=now, bank_account=bank_account
        )
        step_add(locked, code="PAYING", now=now)
        instruction_create(
            direction=Direction.COLLECT,
            purpose=FIRST_PREMIUM,
            reference=f"NB-{locked.pk}-{attempt}",
            subject=request,
            amount=locked.premium,
            bank_account=bank_account,
        )
        audit_record(
            actor=actor,
            action="application.confirm",
            obj=locked,
            after={"premium": locked.premium, "bank_account": bank_account.masked_number},
        )
        return ApplicationConfirmed(application=locked, request=request)

    return idempotent(
        user=actor,
        key=idempotency_key,
        operation="confirmApplication",
        payload=payload,
        run=run,
        outcome=ApplicationConfirmed,
    )


def _application_of(request: ServicingRequest) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("agent", "customer", "product", "bank_account")
        .get(number=request.summary["application"])
    )


def first_premium_settled(*, instruction) -> None:
    """The first premium is in: issue the policy (in the settling transaction)."""
    request = ServicingRequest.objects.select_for_update().get(pk=instruction.subject_id)
    application = _application_of(request)
    if application.status != ApplicationStatus.AWAITING_PAYMENT:
        return
    policy = policy_issue(application=application, now=timezone.now())
    request.policy = policy
    request.summary = {**request.summary, "policy_number": policy.number}
    request.save(update_fields=["policy", "summary"])
    request_complete(request)
    request_outcome_notify(request)


def first_premium_failed(*, instruction) -> None:
    """The bank refused: the application waits for payment again (another account, another try)."""
    request = ServicingRequest.objects.select_for_update().get(pk=instruction.subject_id)
    application = _application_of(request)
    request_complete(request, status=RequestStatus.REJECTED, reasons=["COLLECTION_FAILED"])
    request_outcome_notify(request)
    if application.status == ApplicationStatus.AWAITING_PAYMENT:
        status_set(application, ApplicationStatus.AWAITING_PAYMENT, payment_started_at=None)
        step_add(application, code="PAYMENT_FAILED")


def _policy_number(application: Application) -> str:
    return f"NX{application.pk:08d}"


def policy_issue(*, application: Application, now: datetime) -> Policy:
    """Create the policy in force from a paid application: its premium schedule (the first paid),
    its guaranteed cash values and its servicing agent; then the e-callback."""
    terms = SaleTerms.objects.get(product=application.product)
    effective = business_today()
    dues = premium_due_dates(
        effective=effective, frequency=application.frequency, term_years=application.term_years
    )
    months = 12 // PERIODS[application.frequency]
    policy = Policy.objects.create(
        number=_policy_number(application),
        product=application.product,
        holder=application.customer,
        insured=application.customer,
        servicing_agent=application.agent,
        status=PolicyStatus.IN_FORCE,
        effective_date=effective,
        maturity_date=(
            add_months(effective, 12 * application.term_years)
            if application.product.kind == ProductKind.ENDOWMENT
            else None
        ),
        premium=application.premium,
        frequency=application.frequency,
        sum_assured=application.sum_assured,
        paid_to_date=add_months(effective, months),
        # The application signed includes the renewal debit authorization from the paying account.
        renewal_account=application.bank_account,
        status_changed_on=effective,
    )
    PremiumDue.objects.bulk_create(
        [
            PremiumDue(
                policy=policy,
                due_date=due,
                amount=application.premium,
                status=PremiumStatus.PAID if index == 0 else PremiumStatus.DUE,
                paid_at=now if index == 0 else None,
            )
            for index, due in enumerate(dues)
        ]
    )
    CashValue.objects.bulk_create(
        CashValue(policy=policy, policy_year=year, amount=amount)
        for year, amount in cash_value_table(
            premium_per_year=application.premium * PERIODS[application.frequency],
            term_years=application.term_years,
            base=terms.cash_value_base,
            step=terms.cash_value_step,
            cap=terms.cash_value_cap,
        )
    )
    PolicyStatusChange.objects.create(
        policy=policy,
        from_status=PolicyStatus.PENDING_UNDERWRITING,
        to_status=PolicyStatus.IN_FORCE,
        reason="ISSUED",
        business_date=effective,
    )
    status_set(application, ApplicationStatus.ISSUED, policy=policy, issued_at=now)
    step_add(application, code="ISSUED", params={"policy": policy.number}, now=now)
    audit_record(
        actor=None,
        action="policy.issue",
        obj=policy,
        after={
            "application": application.number,
            "premium": policy.premium,
            "sum_assured": policy.sum_assured,
        },
    )
    policy_callback_raise(policy=policy, now=now)
    return policy


def cooling_off_last_day(policy: Policy):
    """The last business day a cancellation gets every premium back (the day of issue is day 1)."""
    return policy.effective_date + timedelta(days=policy.product.cooling_off_days - 1)


def policy_cancel_in_cooling_off(
    *,
    customer,
    actor,
    policy: Policy,
    bank_account: BankAccount,
    idempotency_key: str,
    risk_ack: str | None = None,
) -> CoolingOffCancelled:
    """Cancel a policy within its cooling-off period: every premium paid comes back in full; the
    policy ends when the refund is paid (idempotent per key)."""
    payload = {"policy": policy.pk, "bank_account": bank_account.pk}

    def run() -> CoolingOffCancelled:
        now = timezone.now()
        locked = Policy.objects.select_for_update(of=("self",)).select_related("product").get(pk=policy.pk)
        elder_rules.risk_ack_consume(
            user=actor,
            customer=customer,
            operation=RiskOperation.POLICY_CANCELLATION,
            challenge_id=risk_ack,
            now=now,
        )
        if locked.holder_id != customer.pk:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("Only the policyholder can do this."), field="policyId"
            )
        if locked.status != PolicyStatus.IN_FORCE:
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("The policy is not in force."), field="policyId")
        last_day = cooling_off_last_day(locked)
        if business_today() > last_day:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                _(
                    "The cooling-off period ended on %(day)s; a cancellation now is a surrender, at the cash value."
                )
                % {"day": last_day.isoformat()},
                field="policyId",
            )
        if ServicingRequest.objects.filter(
            policy=locked,
            type=RequestType.COOLING_OFF_CANCELLATION,
            status__in=OPEN_REQUEST,
        ).exists():
            raise ServiceError(
                ErrorCode.IN_PROGRESS,
                _("This policy's cancellation is already being processed."),
                field="policyId",
            )
        if locked.loans.filter(status__in=(LoanStatus.ACTIVE, LoanStatus.DISBURSING)).exists():
            raise ServiceError(ErrorCode.NOT_ELIGIBLE, _("Repay the policy's loans first."), field="policyId")
        _payable_account(bank_account, customer)
        refund = locked.premiums.filter(status=PremiumStatus.PAID).aggregate(total=Sum("amount"))[
            "total"
        ] or Decimal(0)
        request = request_open(
            customer=customer,
            type=RequestType.COOLING_OFF_CANCELLATION,
            policy=locked,
            amount=refund,
            summary={"bank_account_id": bank_account.pk, "bank_account": bank_account.masked_number},
            now=now,
        )
        if refund > 0:
            # A refund is a payout like any other: fraud signals go to a reviewer, and an elderly
            # customer's large refund, or one to a new account, waits for our call first.
            status = payout_route(
                request=request,
                customer=customer,
                policy=locked,
                bank_account=bank_account,
                amount=refund,
                now=now,
            )
            if status == RequestStatus.AUTO_APPROVED:
                _refund_start(request=request, bank_account=bank_account)
        else:
            request_decide(request, status=RequestStatus.AUTO_APPROVED, now=now)
            _policy_terminate(locked, request=request)
        audit_record(
            actor=actor,
            action="policy.cooling_off_cancel",
            obj=locked,
            before={"status": locked.status},
            after={"refund": refund, "bank_account": bank_account.masked_number},
        )
        return CoolingOffCancelled(policy=locked, request=request)

    return idempotent(
        user=actor,
        key=idempotency_key,
        operation="cancelInCoolingOff",
        payload=payload,
        run=run,
        outcome=CoolingOffCancelled,
    )


def _refund_start(*, request: ServicingRequest, bank_account: BankAccount | None = None) -> None:
    bank_account = bank_account or BankAccount.objects.get(pk=request.summary["bank_account_id"])
    instruction_create(
        direction=Direction.PAYOUT,
        purpose=COOLING_OFF_REFUND,
        reference=f"CO-{request.pk}",
        subject=request,
        amount=request.amount,
        bank_account=bank_account,
    )


def cooling_off_refund_approved(*, request: ServicingRequest) -> None:
    """A reviewer approved, or a callback released, the refund: pay it (decisions' carry-out)."""
    _refund_start(request=request)


def _policy_terminate(policy: Policy, *, request: ServicingRequest) -> None:
    before = policy.status
    policy.status = PolicyStatus.TERMINATED
    policy.status_changed_on = business_today()
    policy.save(update_fields=["status", "status_changed_on"])
    PolicyStatusChange.objects.create(
        policy=policy,
        from_status=before,
        to_status=PolicyStatus.TERMINATED,
        reason="COOLING_OFF",
        business_date=policy.status_changed_on,
    )
    # Nothing more is owed on a cancelled policy; its reminders resolve with it.
    policy.premiums.filter(status__in=(PremiumStatus.DUE, PremiumStatus.FAILED)).update(
        status=PremiumStatus.WAIVED
    )
    from ..services.callbacks import policy_callbacks_cancel

    policy_callbacks_cancel(policy=policy)
    request_complete(request)
    request_outcome_notify(request)
    audit_record(
        actor=None,
        action="policy.terminate",
        obj=policy,
        before={"status": before},
        after={"status": policy.status, "refund": request.amount},
    )


def cooling_off_refund_settled(*, instruction) -> None:
    request = ServicingRequest.objects.select_for_update().get(pk=instruction.subject_id)
    policy = Policy.objects.select_for_update(of=("self",)).get(pk=request.policy_id)
    if policy.status == PolicyStatus.IN_FORCE:
        _policy_terminate(policy, request=request)


def cooling_off_refund_failed(*, instruction) -> None:
    """The bank refused the refund: the policy stays in force and the customer may ask again."""
    request = ServicingRequest.objects.select_for_update().get(pk=instruction.subject_id)
    request_complete(request, status=RequestStatus.REJECTED, reasons=["PAYOUT_FAILED"])
    request_outcome_notify(request)
