"""Bench-only: a hand-written JSON view returning what the benchmark's myPolicies query returns,
so that GraphQL's overhead can be measured against plain Django on the same data."""

from django.http import JsonResponse
from django.utils.translation import get_language

from accounts.tokens import AccessTokenError, authenticate_access_token
from core.graphql.scalars import serialize_decimal
from core.money import business_today
from policies import selectors
from policies.calculations import current_cash_value, loan_interest, loan_quote
from policies.models import Policy


def _d(value):
    return serialize_decimal(value)


def my_policies_json(request):
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    try:
        user = authenticate_access_token(token)
    except AccessTokenError:
        return JsonResponse({"error": "unauthenticated"}, status=401)
    today = business_today()
    english = (get_language() or "").startswith("en")
    policies = (
        Policy.objects.filter(holder=user.customer)
        .select_related("product", "renewal_account")
        .prefetch_related(*selectors.policy_prefetches())
        .order_by("effective_date", "pk")[:20]
    )
    rows = []
    for p in policies:
        quote = loan_quote(
            p,
            on=today,
            customer_id=user.customer.pk,
            cash_values=p.cash_value_rows,
            loans=p.loan_rows,
            premiums=p.unpaid_premiums,
            has_open_loan_request=bool(p.open_loan_requests),
        )
        premium = next(iter(p.unpaid_premiums), None)
        rows.append(
            {
                "id": p.pk,
                "number": p.number,
                "status": p.status,
                "product": {
                    "code": p.product.code,
                    "name": p.product.name_en if english else p.product.name_zh,
                    "kind": p.product.kind,
                },
                "effectiveDate": p.effective_date.isoformat(),
                "premium": _d(p.premium),
                "sumAssured": _d(p.sum_assured),
                "cashValue": _d(current_cash_value(p, today, p.cash_value_rows)),
                "nextPremium": premium
                and {
                    "dueDate": premium.due_date.isoformat(),
                    "amount": _d(premium.amount),
                    "status": premium.status,
                },
                "renewalAccount": p.renewal_account
                and {
                    "bankName": p.renewal_account.bank_name,
                    "maskedNumber": p.renewal_account.masked_number,
                },
                "loanQuote": {
                    "eligible": quote.eligible,
                    "maxAmount": _d(quote.max_amount),
                    "annualRate": _d(quote.annual_rate),
                },
                "loans": [
                    {
                        "id": loan.pk,
                        "principal": _d(loan.principal),
                        "outstandingPrincipal": _d(loan.outstanding_principal),
                        "interest": _d(loan_interest(loan, today)),
                        "status": loan.status,
                    }
                    for loan in p.loan_rows
                ],
                "benefits": [
                    {"id": b.pk, "kind": b.kind, "amount": _d(b.amount), "status": b.status}
                    for b in p.benefit_rows
                ],
            }
        )
    return JsonResponse({"data": {"myPolicies": rows}})


def gc_pauses(request):
    """The collector's pauses in this process since the last call: [[generation, seconds], ...]."""
    from core.runtime import pauses

    return JsonResponse({"pauses": pauses(reset=True)})


def memory_growth(request):
    """Where this process's memory grew: `?mark=1` starts tracing allocations (only those from then
    on are traced, so the snapshot stays small); the next call returns the 30 source lines holding
    most of what was allocated since and is still alive, and stops tracing."""
    import tracemalloc

    if request.GET.get("mark"):
        tracemalloc.stop()
        tracemalloc.start(1)
        return JsonResponse({"marked": True})
    if not tracemalloc.is_tracing():
        return JsonResponse({"error": "mark first"}, status=400)
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    by_line = snapshot.statistics("lineno")
    return JsonResponse(
        {
            "top": [[str(stat.traceback[0]), stat.size, stat.count] for stat in by_line[:30]],
            "total": sum(stat.size for stat in by_line),
        }
    )


def warm(request):
    """Answers once what the server loads beside its start (the sentiment models) is loaded, so a
    bench measures requests and sockets, not start-up (config.asgi)."""
    import threading

    for thread in threading.enumerate():
        if thread.name == "sentiment-warm":
            thread.join(timeout=120)
    return JsonResponse({"warm": True})
