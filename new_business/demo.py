"""What the demo sells (terms, rates, limits, questionnaire) and the demo agent's applications in
several states: one waiting for a customer's payment, one with an underwriter, one issued, one declined."""

from decimal import Decimal

from django.db import transaction

from policies.models import BankAccount, Frequency, Product

from .models import Application, HealthQuestion, PremiumRate, SaleTerms, UnderwritingLimit

D = Decimal

# code: (ages, sums, terms, frequencies, cash value base/step/cap)
TERMS = {
    "WL01": (
        (18, 60),
        ("50000", "5000000"),
        [10, 20],
        [Frequency.ANNUAL, Frequency.MONTHLY],
        ("0.30", "0.08", "0.95"),
    ),
    "EN01": ((18, 55), ("10000", "2000000"), [10, 15, 20], [Frequency.ANNUAL], ("0.40", "0.06", "0.98")),
    "AN01": (
        (18, 55),
        ("10000", "2000000"),
        [10, 20],
        [Frequency.ANNUAL, Frequency.MONTHLY],
        ("0.35", "0.07", "0.96"),
    ),
    "CI01": (
        (18, 55),
        ("50000", "1000000"),
        [20, 30],
        [Frequency.ANNUAL, Frequency.MONTHLY],
        ("0.10", "0.03", "0.40"),
    ),
}
# Annual premium per 1,000 yuan for the longest term, by age band; a shorter term pays more a year.
BASE_RATES = {
    "WL01": [(18, 30, "18.50"), (31, 40, "25.30"), (41, 50, "34.80"), (51, 60, "48.60")],
    "EN01": [(18, 30, "52.00"), (31, 40, "55.40"), (41, 50, "60.20"), (51, 55, "66.80")],
    "AN01": [(18, 30, "48.00"), (31, 40, "51.50"), (41, 50, "56.00"), (51, 55, "62.50")],
    "CI01": [(18, 30, "9.20"), (31, 40, "14.60"), (41, 50, "25.40"), (51, 55, "44.00")],
}
# Automatic (non-medical) limits on the total sum assured a customer holds on the product, by age.
LIMITS = {
    "WL01": [(18, 40, "1500000"), (41, 50, "1000000"), (51, 55, "500000")],
    "EN01": [(18, 40, "1500000"), (41, 50, "1000000"), (51, 55, "500000")],
    "AN01": [(18, 40, "1500000"), (41, 50, "1000000"), (51, 55, "500000")],
    "CI01": [(18, 40, "800000"), (41, 50, "500000"), (51, 55, "300000")],
}
QUESTIONS = [
    (
        "HOSPITAL_2Y",
        "过去两年内是否因疾病住院或被建议住院？",
        "In the last two years, were you in hospital, or advised to be, for an illness?",
    ),
    (
        "SERIOUS_ILLNESS",
        "是否患有或曾被诊断患有癌症、心脏病、脑卒中、糖尿病等疾病？",
        "Have you ever been diagnosed with cancer, heart disease, stroke, diabetes or a similar illness?",
    ),
    ("TREATMENT_NOW", "目前是否正在服药或接受治疗？", "Are you taking medicine or having treatment now?"),
    (
        "HIGH_RISK_JOB",
        "是否从事高危职业（如高空作业、井下作业）？",
        "Do you work in a high-risk job (at heights, underground)?",
    ),
]


def seed_sale_terms() -> int:
    """Terms, rates, limits and questions for the demo products (idempotent)."""
    made = 0
    for code, ((age_lo, age_hi), (lo, hi), terms, frequencies, (base, step, cap)) in TERMS.items():
        product = Product.objects.filter(code=code).first()
        if product is None:
            continue
        _terms, created = SaleTerms.objects.get_or_create(
            product=product,
            defaults={
                "min_age": age_lo,
                "max_age": age_hi,
                "min_sum_assured": D(lo),
                "max_sum_assured": D(hi),
                "term_years_options": terms,
                "frequencies": [str(f) for f in frequencies],
                "cash_value_base": D(base),
                "cash_value_step": D(step),
                "cash_value_cap": D(cap),
            },
        )
        made += created
        longest = max(terms)
        for term in terms:
            loading = D(longest) / D(term)
            for age_from, age_to, rate in BASE_RATES[code]:
                PremiumRate.objects.get_or_create(
                    product=product,
                    term_years=term,
                    age_from=age_from,
                    defaults={
                        "age_to": age_to,
                        "rate_per_thousand": (D(rate) * loading).quantize(D("0.0001")),
                    },
                )
        for age_from, age_to, limit in LIMITS[code]:
            UnderwritingLimit.objects.get_or_create(
                product=product,
                age_from=age_from,
                defaults={"age_to": age_to, "auto_max_sum_assured": D(limit)},
            )
        for order, (qcode, zh, en) in enumerate(QUESTIONS):
            HealthQuestion.objects.get_or_create(
                product=product, code=qcode, defaults={"order": order, "text_zh": zh, "text_en": en}
            )
    return made


def _answers(*yes_codes: str):
    from .services.applications import HealthAnswer

    return [HealthAnswer(code=code, yes=code in yes_codes) for code, _zh, _en in QUESTIONS]


def seed_demo_applications(users: dict) -> int:
    """The demo agent's applications for 13800000001 (idempotent: once per database)."""
    from operations.models import TaskOutcome

    from .services.applications import application_decide, application_submit
    from .services.issue import application_confirm

    agent_user = users["13900000001"]
    if Application.objects.filter(agent=agent_user.agent).exists():
        return 0
    customer_user = users["13800000001"]
    customer = customer_user.customer
    underwriter = users["13700000003"]

    def submit(key: str, code: str, amount: str, frequency: str, term: int, *yes: str) -> Application:
        return application_submit(
            agent=agent_user.agent,
            actor=agent_user,
            customer=customer,
            product_code=code,
            sum_assured=D(amount),
            frequency=frequency,
            term_years=term,
            health_answers=_answers(*yes),
            idempotency_key=f"demo-application-{key}",
        ).application

    # Issued: approved at once, confirmed and paid by the customer (the e-callback waits in the app).
    issued = submit("issued", "EN01", "50000", Frequency.ANNUAL, 10)
    account = BankAccount.objects.filter(customer=customer, verified_at__isnull=False).order_by("pk").first()
    with transaction.atomic():
        confirmed = application_confirm(
            customer=customer,
            actor=customer_user,
            application=issued,
            bank_account=account,
            idempotency_key="demo-application-issued-confirm",
        )
    # Collected here and now, whether or not a worker is running (a worker finds it done).
    from payments.models import PaymentInstruction
    from payments.services import instruction_send

    for instruction in PaymentInstruction.objects.filter(
        subject_id=confirmed.request.pk, purpose="FIRST_PREMIUM"
    ):
        instruction_send(instruction_id=instruction.pk)
    # Declined by an underwriter after a health disclosure.
    declined = submit("declined", "CI01", "300000", Frequency.ANNUAL, 20, "SERIOUS_ILLNESS")
    application_decide(
        application_id=declined.pk,
        outcome=TaskOutcome.DECLINE,
        note="既往重大疾病史，不符合本产品承保条件",
        user=underwriter,
    )
    # Approved at once, waiting for the customer to confirm and pay.
    submit("awaiting", "AN01", "100000", Frequency.ANNUAL, 20)
    # Waiting for manual underwriting in the national pool (a sum above the automatic limit).
    submit("underwriting", "WL01", "1600000", Frequency.MONTHLY, 20)
    return Application.objects.filter(agent=agent_user.agent).count()
