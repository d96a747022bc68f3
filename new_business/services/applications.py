"""The agent's e-application: submitted for a customer the agent services, priced from the rate
table, underwritten automatically where the rules allow, otherwise by a person in the national pool."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerProfile
from core.errors import ErrorCode, ServiceError
from core.money import CENT, business_today
from operations.models import SubjectType, TaskKind, TaskOutcome
from operations.services import tasks as pool
from policies.models import Policy, PolicyStatus, Product
from policies.services.common import Outcome, audit_record, idempotent

from ..calculations import PERIODS, premium_for
from ..models import (
    LIVE_APPLICATION,
    Application,
    ApplicationStatus,
    HealthQuestion,
    PremiumRate,
    SaleTerms,
    UnderwritingLimit,
)
from .progress import status_set, step_add

MAX_SUM = Decimal("1e11")
# Policies whose cover still counts towards the customer's total on a product.
LIVE_POLICY_STATUSES = (PolicyStatus.IN_FORCE, PolicyStatus.GRACE, PolicyStatus.SUSPENDED)


@dataclass
class ApplicationSubmitted(Outcome):
    MODELS: ClassVar[dict] = {"application": Application}
    application: Application


@dataclass(frozen=True)
class HealthAnswer:
    code: str
    yes: bool


def _invalid(message, field: str) -> ServiceError:
    return ServiceError(ErrorCode.INVALID, message, field=field)


def sale_terms_for(product_code: str) -> SaleTerms:
    terms = (
        SaleTerms.objects.select_related("product")
        .filter(product__code=(product_code or "").strip()[:16], on_sale=True)
        .first()
    )
    if terms is None:
        raise _invalid(_("This product is not on sale."), "productCode")
    return terms


def _answers_validate(product: Product, answers: list[HealthAnswer]) -> list[dict]:
    """Exactly one answer to each question of the product's questionnaire, in its order."""
    codes = list(HealthQuestion.objects.filter(product=product).values_list("code", flat=True))
    given: dict[str, bool] = {}
    for index, answer in enumerate(answers):
        if answer.code not in codes:
            raise _invalid(
                _("This is not a question of the product's questionnaire."), f"healthAnswers.{index}.code"
            )
        if answer.code in given:
            raise _invalid(_("Each question is answered once."), f"healthAnswers.{index}.code")
        given[answer.code] = bool(answer.yes)
    missing = [code for code in codes if code not in given]
    if missing:
        raise _invalid(_("Please answer every health question."), "healthAnswers")
    return [{"code": code, "yes": given[code]} for code in codes]


def _sum_validate(terms: SaleTerms, sum_assured: Decimal) -> Decimal:
    if sum_assured is None or not sum_assured.is_finite() or sum_assured <= 0 or sum_assured >= MAX_SUM:
        raise _invalid(_("Enter a sum assured greater than zero."), "sumAssured")
    if sum_assured != sum_assured.quantize(CENT):
        raise _invalid(_("Enter an amount in yuan with at most two decimals."), "sumAssured")
    if not terms.min_sum_assured <= sum_assured <= terms.max_sum_assured:
        raise ServiceError(
            ErrorCode.LIMIT_EXCEEDED,
            _("The sum assured must be between %(min)s and %(max)s yuan.")
            % {"min": f"{terms.min_sum_assured:,.0f}", "max": f"{terms.max_sum_assured:,.0f}"},
            field="sumAssured",
        )
    if sum_assured % terms.sum_assured_step:
        raise _invalid(
            _("The sum assured goes in steps of %(step)s yuan.") % {"step": f"{terms.sum_assured_step:,.0f}"},
            "sumAssured",
        )
    return sum_assured.quantize(CENT)


def underwriting_reasons(
    *, customer: CustomerProfile, product: Product, age: int, sum_assured: Decimal, answers: list[dict]
) -> list[str]:
    """Why automation may not accept this application; empty means it accepts it."""
    reasons = []
    if any(answer["yes"] for answer in answers):
        reasons.append("HEALTH_DISCLOSURE")
    limit = UnderwritingLimit.objects.filter(product=product, age_from__lte=age, age_to__gte=age).first()
    if limit is None:
        reasons.append("AGE_NOT_AUTOMATIC")
    else:
        # What the customer already holds or has applied for on this product counts too: splitting a
        # large sum into several applications must not slip past the limit.
        held = Policy.objects.filter(
            holder=customer, product=product, status__in=LIVE_POLICY_STATUSES
        ).aggregate(total=Sum("sum_assured"))["total"] or Decimal(0)
        pending = Application.objects.filter(
            customer=customer, product=product, status__in=LIVE_APPLICATION
        ).aggregate(total=Sum("sum_assured"))["total"] or Decimal(0)
        if held + pending + sum_assured > limit.auto_max_sum_assured:
            reasons.append("SUM_ABOVE_AUTO_LIMIT")
    return reasons


def application_submit(
    *,
    agent,
    actor,
    customer: CustomerProfile,
    product_code: str,
    sum_assured: Decimal,
    frequency: str,
    term_years: int,
    health_answers: list[HealthAnswer],
    idempotency_key: str,
) -> ApplicationSubmitted:
    """Submit an application and underwrite it at once where the rules allow (idempotent per key)."""
    terms = sale_terms_for(product_code)
    product = terms.product
    if frequency not in terms.frequencies or frequency not in PERIODS:
        raise _invalid(_("This product is not sold with this premium frequency."), "frequency")
    if term_years not in terms.term_years_options:
        raise _invalid(_("This product is not sold with this term."), "termYears")
    sum_assured = _sum_validate(terms, sum_assured)
    answers = _answers_validate(product, health_answers)
    payload = {
        "customer": customer.pk,
        "product": product.code,
        "sum_assured": str(sum_assured),
        "frequency": frequency,
        "term_years": term_years,
        "answers": answers,
    }

    def run() -> ApplicationSubmitted:
        now = timezone.now()
        # The customer's row serializes their applications: two submitted at once are counted
        # together against the automatic limit.
        locked = CustomerProfile.objects.select_for_update().get(pk=customer.pk)
        age = locked.age_on(business_today())
        if not terms.min_age <= age <= terms.max_age:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                _("This product is sold to people aged %(min)d to %(max)d.")
                % {"min": terms.min_age, "max": terms.max_age},
                field="customerId",
            )
        rate = PremiumRate.objects.filter(
            product=product, term_years=term_years, age_from__lte=age, age_to__gte=age
        ).first()
        if rate is None:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("This term is not sold at the customer's age."), field="termYears"
            )
        premium = premium_for(
            sum_assured=sum_assured, rate_per_thousand=rate.rate_per_thousand, frequency=frequency
        )
        reasons = underwriting_reasons(
            customer=locked, product=product, age=age, sum_assured=sum_assured, answers=answers
        )
        application = Application.objects.create(
            # Unique until the row's id gives the real number a moment later (same transaction).
            number=f"T{uuid.uuid4().hex[:19]}",
            agent=agent,
            customer=locked,
            product=product,
            sum_assured=sum_assured,
            frequency=frequency,
            term_years=term_years,
            age_at_entry=age,
            annual_premium=premium.annual,
            premium=premium.instalment,
            health_answers=answers,
            submitted_at=now,
        )
        application.number = f"AP{application.pk:08d}"
        application.save(update_fields=["number"])
        step_add(application, code="SUBMITTED", now=now)
        if reasons:
            status_set(application, ApplicationStatus.UNDERWRITING, underwriting_reasons=reasons)
            step_add(application, code="TO_UNDERWRITER", params={"reasons": reasons}, now=now)
            pool.task_raise(
                kind=TaskKind.UNDERWRITING,
                subject_type=SubjectType.APPLICATION,
                subject_id=application.pk,
                customer=locked,
                title=f"{product.name_zh} {sum_assured:,.0f}",
                now=now,
            )
        else:
            status_set(application, ApplicationStatus.APPROVED, decided_at=now)
            step_add(application, code="AUTO_APPROVED", now=now)
            _await_payment(application, now=now)
        audit_record(
            actor=actor,
            action="application.submit",
            obj=application,
            after={
                "product": product.code,
                "sum_assured": sum_assured,
                "premium": premium.instalment,
                "status": application.status,
                "reasons": ",".join(reasons),
            },
        )
        return ApplicationSubmitted(application=application)

    return idempotent(
        user=actor,
        key=idempotency_key,
        operation="submitApplication",
        payload=payload,
        run=run,
        outcome=ApplicationSubmitted,
    )


def _await_payment(application: Application, *, now: datetime) -> None:
    status_set(application, ApplicationStatus.AWAITING_PAYMENT)
    step_add(application, code="AWAITING_PAYMENT", params={"premium": f"{application.premium:,.2f}"}, now=now)


UNDERWRITING_DECISION = {
    TaskOutcome.APPROVE: ApplicationStatus.APPROVED,
    TaskOutcome.DECLINE: ApplicationStatus.DECLINED,
    TaskOutcome.POSTPONE: ApplicationStatus.POSTPONED,
}


def application_decide(
    *, application_id: int, outcome: str, note: str, user, now: datetime | None = None
) -> Application:
    """An underwriter's decision (from the pool task or the admin): approve, decline or postpone."""
    now = now or timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("agent", "customer").get(pk=application_id)
        )
        if application.status != ApplicationStatus.UNDERWRITING:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("This application is no longer waiting for underwriting.")
            )
        status = UNDERWRITING_DECISION[outcome]
        status_set(application, status, decided_at=now, decided_by=user, decision_note=(note or "")[:500])
        step_add(application, code=status, params={"note": note} if note else {}, now=now)
        if status == ApplicationStatus.APPROVED:
            _await_payment(application, now=now)
        pool.subject_settled(
            subject_type=SubjectType.APPLICATION,
            subject_id=application.pk,
            kinds=[TaskKind.UNDERWRITING],
            by=user,
            outcome=outcome,
        )
        audit_record(
            actor=user,
            action="application.underwrite",
            obj=application,
            before={"status": ApplicationStatus.UNDERWRITING},
            after={"status": application.status, "note": note},
        )
    return application


def underwriting_task_complete(*, task, outcome: str, note: str, user) -> None:
    """Completing an UNDERWRITING task decides its application (registered with the pool)."""
    application_decide(application_id=task.subject_id, outcome=outcome, note=note, user=user)


def underwriter_took(sender, *, task, **kwargs) -> None:
    """A person took an underwriting task: the agent and customer see who is on it (their team)."""
    if task.kind != TaskKind.UNDERWRITING:
        return
    application = (
        Application.objects.select_for_update()
        .filter(pk=task.subject_id, status=ApplicationStatus.UNDERWRITING)
        .first()
    )
    if application is None:
        return
    staff = getattr(task.assignee, "staff", None)
    team = staff.team if staff else ""
    step_add(application, code="REVIEWING", params={"team": team} if team else {})


WITHDRAWABLE = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDERWRITING,
    ApplicationStatus.APPROVED,
    ApplicationStatus.AWAITING_PAYMENT,
)


def application_withdraw(*, application: Application, actor) -> Application:
    """The agent or the customer withdraws an application not yet paid for."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("agent", "customer").get(pk=application.pk)
        )
        if application.status not in WITHDRAWABLE or application.payment_started_at is not None:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                _("This application can no longer be withdrawn."),
                field="applicationId",
            )
        before = application.status
        status_set(application, ApplicationStatus.WITHDRAWN)
        step_add(application, code="WITHDRAWN")
        pool.subject_settled(
            subject_type=SubjectType.APPLICATION,
            subject_id=application.pk,
            kinds=[TaskKind.UNDERWRITING],
            cancelled=True,
        )
        audit_record(
            actor=actor,
            action="application.withdraw",
            obj=application,
            before={"status": before},
            after={"status": application.status},
        )
    return application
