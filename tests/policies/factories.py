from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from policies.demo import luhn_complete
from policies.models import (
    BankAccount,
    Benefit,
    BenefitKind,
    BenefitStatus,
    CashValue,
    Frequency,
    LoanStatus,
    Policy,
    PolicyLoan,
    PolicyStatus,
    PremiumDue,
    PremiumStatus,
    Product,
    ProductKind,
    RequestStatus,
    RequestType,
    ServicingRequest,
)
from tests.accounts.factories import CustomerFactory


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = "WL01"
    name_zh = "暖心终身寿险"
    name_en = "Nuanxin Whole Life"
    kind = ProductKind.WHOLE_LIFE
    loanable = True
    loan_annual_rate = Decimal("0.0500")


class BankAccountFactory(DjangoModelFactory):
    class Meta:
        model = BankAccount

    customer = factory.SubFactory(CustomerFactory)
    bank_code = "ICBC"
    bank_name = "中国工商银行"
    account_number = factory.Sequence(lambda n: luhn_complete(f"622202{n:09d}"))
    holder_name = factory.LazyAttribute(lambda o: o.customer.name)
    verified_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    added_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))


class PolicyFactory(DjangoModelFactory):
    """An in-force policy in its second year on 2026-11-21; `cash_values__amount` sets this year's cash value."""

    class Meta:
        model = Policy
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"TP{n:010d}")
    product = factory.SubFactory(ProductFactory)
    holder = factory.SubFactory(CustomerFactory)
    insured = factory.LazyAttribute(lambda o: o.holder)
    status = PolicyStatus.IN_FORCE
    effective_date = date(2025, 6, 1)
    premium = Decimal("1200.00")
    frequency = Frequency.ANNUAL
    sum_assured = Decimal("100000.00")
    paid_to_date = date(2027, 6, 1)

    @factory.post_generation
    def cash_values(obj, create, extracted, **kwargs):
        if create:
            value = Decimal(str(kwargs.get("amount", "10000.00")))
            CashValue.objects.bulk_create(
                [
                    CashValue(policy=obj, policy_year=1, amount=value / 2),
                    CashValue(policy=obj, policy_year=2, amount=value),
                    CashValue(policy=obj, policy_year=3, amount=value * 2),
                ]
            )


class PremiumFactory(DjangoModelFactory):
    class Meta:
        model = PremiumDue

    policy = factory.SubFactory(PolicyFactory)
    due_date = date(2026, 6, 1)
    amount = Decimal("1200.00")
    status = PremiumStatus.DUE


def _completed_loan_request(policy) -> ServicingRequest:
    now = timezone.now()  # one reading: submitted, decided and completed in order
    return ServicingRequest.objects.create(
        customer=policy.holder,
        type=RequestType.POLICY_LOAN,
        status=RequestStatus.COMPLETED,
        policy=policy,
        submitted_at=now,
        decided_at=now,
        completed_at=now,
    )


class LoanFactory(DjangoModelFactory):
    class Meta:
        model = PolicyLoan

    policy = factory.SubFactory(PolicyFactory)
    request = factory.LazyAttribute(lambda o: _completed_loan_request(o.policy))
    bank_account = factory.LazyAttribute(lambda o: BankAccountFactory(customer=o.policy.holder))
    principal = Decimal("2000.00")
    outstanding_principal = factory.LazyAttribute(lambda o: o.principal)
    annual_rate = Decimal("0.0500")
    term_days = 182
    status = LoanStatus.ACTIVE
    disbursed_on = date(2026, 10, 22)
    interest_from = factory.LazyAttribute(lambda o: o.disbursed_on)
    due_on = factory.LazyAttribute(lambda o: o.disbursed_on + timedelta(days=182))


class BenefitFactory(DjangoModelFactory):
    class Meta:
        model = Benefit

    policy = factory.SubFactory(PolicyFactory)
    kind = BenefitKind.SURVIVAL
    amount = Decimal("6000.00")
    available_from = date(2026, 11, 1)
    status = BenefitStatus.AVAILABLE
