"""Demo book for DESIGN.md's accounts, and the synthetic book behind `seed_demo --customers N`."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from accounts.demo import DEMO_PASSWORD, SYNTHETIC_PHONE_BASE
from accounts.models import AgentProfile, CustomerProfile, Gender, Role, User
from core.crypto import keyed_digest
from core.money import BUSINESS_TZ, business_today, to_fen

from .models import (
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
from .providers import BANKS

PRODUCTS = [
    # code, zh, en, kind, loanable, rate, cooling-off days
    ("WL01", "暖心终身寿险", "Nuanxin Whole Life", ProductKind.WHOLE_LIFE, True, "0.0500", 15),
    ("EN01", "暖心两全保险", "Nuanxin Endowment", ProductKind.ENDOWMENT, True, "0.0550", 15),
    ("AN01", "暖心养老年金保险", "Nuanxin Pension Annuity", ProductKind.ANNUITY, True, "0.0450", 15),
    (
        "CI01",
        "暖心重大疾病保险",
        "Nuanxin Critical Illness",
        ProductKind.CRITICAL_ILLNESS,
        False,
        "0.0500",
        15,
    ),
]


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to `prefix`."""
    total = 0
    for index, digit in enumerate(reversed(prefix)):
        value = int(digit)
        if index % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return prefix + str((10 - total % 10) % 10)


def products_seed() -> dict[str, Product]:
    products = {}
    for code, zh, en, kind, loanable, rate, cooling in PRODUCTS:
        products[code], _ = Product.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "kind": kind,
                "loanable": loanable,
                "loan_annual_rate": Decimal(rate),
                "cooling_off_days": cooling,
            },
        )
    return products


def _business_moment(day: date) -> datetime:
    """10:30 on `day` in Asia/Shanghai: when a seeded request was made."""
    return datetime.combine(day, time(10, 30), tzinfo=BUSINESS_TZ)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cash_value_for_year(premium: Decimal, year: int) -> Decimal:
    """A plausible guaranteed cash value table: a growing share of premiums paid."""
    return to_fen(premium * year * min(Decimal("0.95"), Decimal("0.30") + Decimal("0.08") * year))


def _policy(
    *,
    number: str,
    product: Product,
    holder: CustomerProfile,
    agent: AgentProfile | None,
    status: str,
    effective: date,
    premium: str,
    sum_assured: str,
    maturity: date | None = None,
    frequency: str = Frequency.ANNUAL,
    account: BankAccount | None = None,
    today: date,
    next_due_status: str = PremiumStatus.DUE,
    overdue: bool = False,
) -> tuple[Policy, bool]:
    """An annual-premium policy with its premium schedule (past paid, the next due) and cash values."""
    premium_amount = Decimal(premium)
    years_in_force = max((today - effective).days // 365, 0)
    next_due = _years_before(effective, -(years_in_force + 1))
    if next_due - today > timedelta(days=365) or overdue:
        # An overdue policy missed its latest anniversary premium.
        next_due = _years_before(next_due, 1)
    policy, created = Policy.objects.get_or_create(
        number=number,
        defaults={
            "product": product,
            "holder": holder,
            "insured": holder,
            "servicing_agent": agent,
            "status": status,
            "effective_date": effective,
            "maturity_date": maturity,
            "premium": premium_amount,
            "frequency": frequency,
            "sum_assured": Decimal(sum_assured),
            "paid_to_date": next_due,
            "renewal_account": account,
        },
    )
    if created:
        PremiumDue.objects.bulk_create(
            [
                PremiumDue(
                    policy=policy,
                    due_date=_years_before(effective, -year),
                    amount=premium_amount,
                    status=PremiumStatus.PAID,
                )
                for year in range(years_in_force + 1)
                if _years_before(effective, -year) < next_due
            ]
            + [PremiumDue(policy=policy, due_date=next_due, amount=premium_amount, status=next_due_status)]
        )
        CashValue.objects.bulk_create(
            [
                CashValue(policy=policy, policy_year=year, amount=cash_value_for_year(premium_amount, year))
                for year in range(1, years_in_force + 6)
            ]
        )
    return policy, created


def _account(
    customer: CustomerProfile, bank_code: str, prefix: str, verified_days_ago: int, today_dt
) -> BankAccount:
    number = luhn_complete(prefix)
    account, _ = BankAccount.objects.get_or_create(
        customer=customer,
        account_number_digest=keyed_digest(number),
        defaults={
            "account_number": number,
            "bank_code": bank_code,
            "bank_name": str(BANKS[bank_code]),
            "holder_name": customer.name,
            "verified_at": today_dt - timedelta(days=verified_days_ago),
            "added_at": today_dt - timedelta(days=verified_days_ago),
        },
    )
    return account


def _loan(policy: Policy, account: BankAccount, *, amount: str, disbursed: date) -> None:
    if PolicyLoan.objects.filter(policy=policy).exists():
        return
    submitted = _business_moment(disbursed)
    request = ServicingRequest.objects.create(
        customer=policy.holder,
        type=RequestType.POLICY_LOAN,
        status=RequestStatus.COMPLETED,
        policy=policy,
        amount=Decimal(amount),
        summary={"bank_account_id": account.pk, "bank_account": account.masked_number},
        # Decided by automation within a second, paid out a few seconds later, as the live path does.
        submitted_at=submitted,
        decided_at=submitted + timedelta(milliseconds=350),
        completed_at=submitted + timedelta(seconds=4),
    )
    PolicyLoan.objects.create(
        policy=policy,
        request=request,
        bank_account=account,
        principal=Decimal(amount),
        outstanding_principal=Decimal(amount),
        annual_rate=policy.product.loan_annual_rate,
        term_days=policy.product.loan_term_days,
        status=LoanStatus.ACTIVE,
        disbursed_on=disbursed,
        interest_from=disbursed,
        due_on=disbursed + timedelta(days=policy.product.loan_term_days),
    )


def _benefit(policy: Policy, kind: str, amount: str, available: date, status=BenefitStatus.AVAILABLE) -> None:
    Benefit.objects.get_or_create(
        policy=policy,
        kind=kind,
        available_from=available,
        defaults={"amount": Decimal(amount), "status": status},
    )


EXTRA_CUSTOMERS = [
    {
        "phone": "13800000003",
        "name": "王建国",
        "id_number": "310104196508150036",
        "birth_date": date(1965, 8, 15),
        "gender": Gender.MALE,
    },
]


@transaction.atomic
def seed_demo_policies(users: dict[str, User]) -> None:
    """Policies in every status for the demo customers, serviced by the demo agent."""
    today = business_today()
    now = timezone.now()
    products = products_seed()
    agent = users["13900000001"].agent
    password_hash = make_password(DEMO_PASSWORD)
    for data in EXTRA_CUSTOMERS:
        user, _ = User.objects.get_or_create(
            phone=data["phone"],
            defaults={"role": Role.CUSTOMER, "display_name": data["name"], "password": password_hash},
        )
        CustomerProfile.objects.get_or_create(
            user=user, defaults={k: v for k, v in data.items() if k != "phone"}
        )

    zhang = users["13800000001"].customer
    zhang_card = _account(zhang, "ICBC", "622202020011223", 400, now)
    whole_life, _ = _policy(
        number="NX2019000001",
        product=products["WL01"],
        holder=zhang,
        agent=agent,
        status=PolicyStatus.IN_FORCE,
        effective=_years_before(today + timedelta(days=7), 7),
        premium="12000.00",
        sum_assured="500000.00",
        account=zhang_card,
        today=today,
    )
    # The term ends in 12 days: a loan repayment reminder for the agent.
    _loan(whole_life, zhang_card, amount="20000.00", disbursed=today - timedelta(days=170))
    _policy(
        number="NX2022000002",
        product=products["CI01"],
        holder=zhang,
        agent=agent,
        status=PolicyStatus.IN_FORCE,
        effective=_years_before(today + timedelta(days=30), 4),
        premium="3600.00",
        sum_assured="300000.00",
        today=today,
    )
    _policy(
        number="NX2021000003",
        product=products["EN01"],
        holder=zhang,
        agent=agent,
        status=PolicyStatus.GRACE,
        effective=_years_before(today - timedelta(days=50), 5),
        premium="8000.00",
        sum_assured="100000.00",
        maturity=_years_before(today, -15),
        account=zhang_card,
        today=today,
        overdue=True,
    )

    li = users["13800000002"].customer
    li_card = _account(li, "CCB", "621700012345678", 900, now)
    endowment, _ = _policy(
        number="NX2006000004",
        product=products["EN01"],
        holder=li,
        agent=agent,
        status=PolicyStatus.MATURED,
        effective=_years_before(today - timedelta(days=10), 20),
        premium="5000.00",
        sum_assured="80000.00",
        maturity=today - timedelta(days=10),
        account=li_card,
        today=today,
        next_due_status=PremiumStatus.WAIVED,
    )
    _benefit(endowment, BenefitKind.MATURITY, "80000.00", today - timedelta(days=10))
    annuity, _ = _policy(
        number="NX2016000005",
        product=products["AN01"],
        holder=li,
        agent=agent,
        status=PolicyStatus.IN_FORCE,
        effective=_years_before(today - timedelta(days=100), 10),
        premium="10000.00",
        sum_assured="60000.00",
        account=li_card,
        today=today,
    )
    _benefit(annuity, BenefitKind.SURVIVAL, "6000.00", today - timedelta(days=3))
    _benefit(
        annuity,
        BenefitKind.SURVIVAL,
        "6000.00",
        _years_before(today - timedelta(days=3), -1),
        BenefitStatus.SCHEDULED,
    )

    wang = CustomerProfile.objects.get(user__phone="13800000003")
    wang_card = _account(wang, "BOC", "456351000012345", 300, now)
    suspended, _ = _policy(
        number="NX2018000006",
        product=products["WL01"],
        holder=wang,
        agent=agent,
        status=PolicyStatus.SUSPENDED,
        effective=_years_before(today - timedelta(days=200), 8),
        premium="6000.00",
        sum_assured="200000.00",
        account=wang_card,
        today=today,
    )
    # Loan plus interest beyond the cash value is why this policy is suspended.
    _loan(suspended, wang_card, amount="45000.00", disbursed=today - timedelta(days=100))
    for number, status, years in (
        ("NX2026000007", PolicyStatus.PENDING_UNDERWRITING, 0),
        ("NX2012000008", PolicyStatus.SURRENDERED, 14),
        ("NX2010000009", PolicyStatus.TERMINATED, 16),
    ):
        _policy(
            number=number,
            product=products["CI01"],
            holder=wang,
            agent=agent,
            status=status,
            effective=_years_before(today - timedelta(days=40), years),
            premium="2400.00",
            sum_assured="150000.00",
            today=today,
            next_due_status=PremiumStatus.WAIVED,
        )


# --- Synthetic book -----------------------------------------------------------------------------

SYNTHETIC_AGENT_PHONE_BASE = 16600000000
CUSTOMERS_PER_AGENT = 200


def _synthetic_agents(count: int, password_hash: str) -> list[AgentProfile]:
    needed = max(1, -(-count // CUSTOMERS_PER_AGENT))
    phones = [str(SYNTHETIC_AGENT_PHONE_BASE + i) for i in range(needed)]
    existing = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
    users = User.objects.bulk_create(
        [
            User(phone=p, role=Role.AGENT, display_name=f"代理人{p[-4:]}", password=password_hash)
            for p in phones
            if p not in existing
        ]
    )
    AgentProfile.objects.bulk_create(
        [
            AgentProfile(user=u, name=u.display_name, agent_code=f"SA{u.phone[-6:]}", branch="合成分公司")
            for u in users
        ]
    )
    by_phone = {
        a.user.phone: a for a in AgentProfile.objects.filter(user__phone__in=phones).select_related("user")
    }
    return [by_phone[p] for p in phones]


def seed_synthetic_policies(count: int, *, batch_size: int = 2000, progress: bool = True) -> int:
    """Give synthetic customers 0..count-1 one to five policies each with premiums, cash values,
    and now and then a loan or a benefit. Customers that already have policies are skipped."""
    today = business_today()
    products = list(products_seed().values())
    agents = _synthetic_agents(count, make_password(DEMO_PASSWORD))
    created = 0
    bar = tqdm(total=count, desc="policies", unit="cust", disable=not progress)
    for start in range(0, count, batch_size):
        indexes = range(start, min(start + batch_size, count))
        phones = {str(SYNTHETIC_PHONE_BASE + i): i for i in indexes}
        with transaction.atomic():
            customers = {
                phones[phone]: (pk, phone)
                for pk, phone in CustomerProfile.objects.filter(user__phone__in=phones).values_list(
                    "pk", "user__phone"
                )
            }
            have = set(
                Policy.objects.filter(holder_id__in=[pk for pk, _ in customers.values()]).values_list(
                    "holder_id", flat=True
                )
            )
            new_policies = []
            for index, (customer_pk, _phone) in customers.items():
                if customer_pk in have:
                    continue
                for slot in range(1 + index % 5):
                    seed = index * 7 + slot
                    product = products[seed % len(products)]
                    years = 1 + seed % 15
                    effective = _years_before(today - timedelta(days=seed % 360), years)
                    premium = Decimal(2000 + (seed % 40) * 500)
                    status = PolicyStatus.GRACE if seed % 23 == 0 else PolicyStatus.IN_FORCE
                    new_policies.append(
                        Policy(
                            number=f"SY{index:09d}{slot}",
                            product=product,
                            holder_id=customer_pk,
                            insured_id=customer_pk,
                            servicing_agent=agents[index // CUSTOMERS_PER_AGENT % len(agents)],
                            status=status,
                            effective_date=effective,
                            maturity_date=_years_before(effective, -30)
                            if product.kind == ProductKind.ENDOWMENT
                            else None,
                            premium=premium,
                            frequency=Frequency.ANNUAL,
                            sum_assured=premium * 25,
                            paid_to_date=_years_before(effective, -(years + 1)),
                        )
                    )
            Policy.objects.bulk_create(new_policies, batch_size=5000)
            premiums, values, benefits = [], [], []
            for policy in new_policies:
                years = max((today - policy.effective_date).days // 365, 1)
                next_due = _years_before(policy.effective_date, -(years + 1))
                overdue = policy.status == PolicyStatus.GRACE
                # A policy in grace missed the premium due 20 days ago; the others paid last year's.
                due = today - timedelta(days=20) if overdue else next_due
                premiums.append(
                    PremiumDue(
                        policy=policy,
                        due_date=_years_before(due, 1),
                        amount=policy.premium,
                        status=PremiumStatus.PAID,
                    )
                )
                premiums.append(
                    PremiumDue(policy=policy, due_date=due, amount=policy.premium, status=PremiumStatus.DUE)
                )
                values.extend(
                    CashValue(policy=policy, policy_year=y, amount=cash_value_for_year(policy.premium, y))
                    for y in (years, years + 1, years + 2)
                )
                if policy.product.kind == ProductKind.ANNUITY and policy.pk % 3 == 0:
                    benefits.append(
                        Benefit(
                            policy=policy,
                            kind=BenefitKind.SURVIVAL,
                            amount=policy.premium / 2,
                            available_from=today - timedelta(days=policy.pk % 30),
                            status=BenefitStatus.AVAILABLE,
                        )
                    )
            PremiumDue.objects.bulk_create(premiums, batch_size=5000)
            CashValue.objects.bulk_create(values, batch_size=5000)
            Benefit.objects.bulk_create(benefits, batch_size=5000)
            _synthetic_loans(new_policies, today)
        created += len(new_policies)
        bar.update(len(indexes))
    bar.close()
    return created


def _synthetic_loans(policies: list[Policy], today: date) -> None:
    """A debit card per holder, and an active loan on every tenth policy (a fifth of its cash value)."""
    holders = dict(
        CustomerProfile.objects.filter(pk__in={p.holder_id for p in policies}).values_list("pk", "name")
    )
    accounts = BankAccount.objects.bulk_create(
        [
            BankAccount(
                customer_id=holder_id,
                bank_code="ICBC",
                bank_name=str(BANKS["ICBC"]),
                account_number=luhn_complete(f"6222{holder_id:011d}"),
                holder_name=holders[holder_id],
                verified_at=timezone.now() - timedelta(days=365),
                added_at=timezone.now() - timedelta(days=365),
            )
            for holder_id in holders
        ],
        batch_size=5000,
    )
    account_of = {account.customer_id: account for account in accounts}
    borrowing = [
        p for p in policies if p.pk % 10 == 0 and p.product.loanable and p.status == PolicyStatus.IN_FORCE
    ]
    # Spread over the whole term, so some terms end within the reminder stages.
    disbursed_on = {p.pk: today - timedelta(days=(p.pk // 10) % 182) for p in borrowing}
    requests = ServicingRequest.objects.bulk_create(
        [
            ServicingRequest(
                customer_id=p.holder_id,
                type=RequestType.POLICY_LOAN,
                status=RequestStatus.COMPLETED,
                policy=p,
                amount=to_fen(p.premium * Decimal("0.5")),
                submitted_at=(submitted := _business_moment(disbursed_on[p.pk])),
                decided_at=submitted + timedelta(milliseconds=350),
                completed_at=submitted + timedelta(seconds=4),
            )
            for p in borrowing
        ],
        batch_size=5000,
    )
    loans = []
    for policy, request in zip(borrowing, requests, strict=True):
        disbursed = disbursed_on[policy.pk]
        amount = to_fen(policy.premium * Decimal("0.5"))
        loans.append(
            PolicyLoan(
                policy=policy,
                request=request,
                bank_account=account_of[policy.holder_id],
                principal=amount,
                outstanding_principal=amount,
                annual_rate=policy.product.loan_annual_rate,
                term_days=policy.product.loan_term_days,
                status=LoanStatus.ACTIVE,
                disbursed_on=disbursed,
                interest_from=disbursed,
                due_on=disbursed + timedelta(days=policy.product.loan_term_days),
            )
        )
    PolicyLoan.objects.bulk_create(loans, batch_size=5000)


def seed_demo_pool(users: dict[str, User]) -> None:
    """Work in the pool on `make run`: two loan applications to an account verified minutes ago go
    to review (through the real service); the demo reviewer has already rejected one (so the QA
    sampling of a new reviewer's first tasks has raised a quality review), the other waits."""
    from operations.models import SubjectType, Task, TaskKind, TaskOutcome
    from operations.services.tasks import task_accept, task_complete

    from .services.loans import loan_apply

    zhang = users["13800000001"].customer
    reviewer = users["13700000002"]
    now = timezone.now()
    fresh = _account(zhang, "CMB", "6225880011223344", 0, now)
    BankAccount.objects.filter(pk=fresh.pk).update(verified_at=now)
    fresh.refresh_from_db()
    policy = Policy.objects.get(number="NX2019000001")
    for key in ("demo-review-approved", "demo-review-waiting"):
        outcome = loan_apply(
            customer=zhang,
            actor=zhang.user,
            policy=policy,
            amount=Decimal("1000.00"),
            bank_account=fresh,
            idempotency_key=key,
        )
        task = Task.objects.filter(
            kind=TaskKind.SERVICING_REVIEW,
            subject_type=SubjectType.SERVICING_REQUEST,
            subject_id=outcome.request.pk,
        ).first()
        if key == "demo-review-approved" and task is not None and task.status in ("OPEN", "ASSIGNED"):
            if task.assignee_id != reviewer.pk:
                task_accept(user=reviewer, task=task)
            task_complete(
                user=reviewer,
                task=task,
                outcome=TaskOutcome.REJECT,
                note="客户来电表示暂不需要借款，已核实本人意愿",
            )
