from datetime import date
from decimal import Decimal

import pytest

from new_business.models import HealthQuestion, PremiumRate, SaleTerms, UnderwritingLimit
from payments.providers import SimulatedPayments
from policies.models import Frequency, Policy
from tests.accounts.factories import AgentFactory, CustomerFactory
from tests.conftest import GraphQLClient
from tests.policies.factories import BankAccountFactory, PolicyFactory, ProductFactory

D = Decimal
QUESTIONS = ["HOSPITAL_2Y", "SERIOUS_ILLNESS", "TREATMENT_NOW"]


@pytest.fixture(autouse=True)
def _bank():
    SimulatedPayments.reset()
    yield SimulatedPayments
    SimulatedPayments.reset()


def make_product():
    """WL01 sold at 18–60, 20 or 10 years, annual or monthly; the 41–50 band at 34.80 per 1,000 for 20 years."""
    product = ProductFactory(code="WL01", cooling_off_days=15)
    SaleTerms.objects.create(
        product=product,
        min_age=18,
        max_age=60,
        min_sum_assured=D("50000"),
        max_sum_assured=D("5000000"),
        sum_assured_step=D("1000"),
        term_years_options=[10, 20],
        frequencies=[Frequency.ANNUAL, Frequency.MONTHLY],
        cash_value_base=D("0.30"),
        cash_value_step=D("0.08"),
        cash_value_cap=D("0.95"),
    )
    for age_from, age_to, rate in [(18, 40, "25.30"), (41, 50, "34.80"), (51, 60, "48.60")]:
        PremiumRate.objects.create(
            product=product, term_years=20, age_from=age_from, age_to=age_to, rate_per_thousand=D(rate)
        )
    UnderwritingLimit.objects.create(
        product=product, age_from=18, age_to=45, auto_max_sum_assured=D("500000")
    )
    UnderwritingLimit.objects.create(
        product=product, age_from=46, age_to=55, auto_max_sum_assured=D("300000")
    )
    for order, code in enumerate(QUESTIONS):
        HealthQuestion.objects.create(
            product=product, code=code, order=order, text_zh=f"问题{code}", text_en=f"Question {code}"
        )
    return product


def make_agent():
    return AgentFactory(user__phone="13900000071", name="王芳")


def make_customer(agent):
    """Aged 46 on the business day (born 1980-01-01), serviced by `agent` (holds a policy they service)."""
    customer = CustomerFactory(user__phone="13800000071", name="张伟", birth_date=date(1980, 1, 1))
    PolicyFactory(holder=customer, servicing_agent=agent, product=ProductFactory(code="EN01", name_zh="两全"))
    return customer


def make_underwriter():
    from tests.accounts.factories import StaffFactory

    return StaffFactory(user__phone="13700000071", name="艾力", roles=["underwriter"])


@pytest.fixture
def product(db):
    return make_product()


@pytest.fixture
def agent(db):
    return make_agent()


@pytest.fixture
def customer(agent, product):
    return make_customer(agent)


@pytest.fixture
def account(customer):
    return BankAccountFactory(customer=customer)


@pytest.fixture
def agent_client(agent, db):
    client = GraphQLClient()
    client.login("13900000071")
    return client


@pytest.fixture
def customer_client(customer, db):
    client = GraphQLClient()
    client.login("13800000071")
    return client


def answers(*yes: str) -> list[dict]:
    return [{"code": code, "yes": code in yes} for code in QUESTIONS]


def held_sum(customer) -> Decimal:
    return sum((p.sum_assured for p in Policy.objects.filter(holder=customer, product__code="WL01")), D(0))


@pytest.fixture
def underwriter(db):
    return make_underwriter()
