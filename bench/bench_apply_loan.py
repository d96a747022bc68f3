"""applyPolicyLoan decided automatically, end to end over HTTP (disbursement runs after commit).

Needs DATABASE_URL (PostgreSQL) with `seed_demo --customers N` (run bench_my_policies.py first, or it seeds).
Each request is a different customer's eligible policy, so the figure is the decision path, not lock waits.
Goal (issue 3): p99 <= 100 ms.
"""

import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Client, manage, percentile, production_env, server

COUNT = int(os.environ.get("BENCH_REQUESTS", "300"))
APPLY = """
mutation($input: ApplyPolicyLoanInput!) {
  applyPolicyLoan(input: $input) { loan { id status } request { status } errors { code message } }
}
"""


def candidates(count: int) -> list[tuple[str, str, str]]:
    """(token, policy id, bank account id) of customers with a loanable policy and no loan on it."""
    os.environ.update(production_env())
    import django

    django.setup()
    from django.db.models import Exists, OuterRef
    from strawberry import relay

    from accounts.services import _session_start
    from core.money import business_today
    from policies.models import BankAccount, LoanStatus, Policy, PolicyLoan, PolicyStatus

    live = PolicyLoan.objects.filter(
        policy=OuterRef("pk"), status__in=(LoanStatus.ACTIVE, LoanStatus.DISBURSING)
    )
    # Customers under 60: the elderly first read anti-fraud notices for at least 10 seconds.
    today = business_today()
    policies = (
        Policy.objects.filter(
            status=PolicyStatus.IN_FORCE,
            product__loanable=True,
            number__startswith="SY",
            holder__birth_date__gt=today.replace(year=today.year - 60),
        )
        .exclude(Exists(live))
        .select_related("holder__user")
        .order_by("pk")[: count * 2]
    )
    rows, seen = [], set()
    for policy in policies:
        if policy.holder_id in seen:
            continue
        account = BankAccount.objects.filter(customer_id=policy.holder_id).first()
        if account is None:
            continue
        seen.add(policy.holder_id)
        token = _session_start(
            user=policy.holder.user, client_ip="127.0.0.1", user_agent="bench"
        ).access_token
        rows.append(
            (
                token,
                str(relay.GlobalID("Policy", str(policy.pk))),
                str(relay.GlobalID("BankAccount", str(account.pk))),
            )
        )
        if len(rows) == count:
            break
    return rows


def main() -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--customers", os.environ.get("BENCH_CUSTOMERS", "100000"))
    rows = candidates(COUNT + 20)
    import time

    with server() as port:
        samples, outcomes = [], {}
        for index, (token, policy_id, account_id) in enumerate(rows):
            client = Client(port, token)
            variables = {
                "input": {
                    "policyId": policy_id,
                    "amount": "1000.00",
                    "bankAccountId": account_id,
                    "idempotencyKey": uuid.uuid4().hex,
                }
            }
            start = time.perf_counter()
            payload = client.graphql(APPLY, variables)["applyPolicyLoan"]
            elapsed = (time.perf_counter() - start) * 1000
            outcome = payload["request"]["status"] if payload["request"] else payload["errors"][0]["code"]
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            # Eager tasks (no REDIS_URL) pay out before the answer, so the request may already be COMPLETED.
            if index >= 20 and outcome in ("AUTO_APPROVED", "COMPLETED"):  # the first 20 warm the server up
                samples.append(elapsed)
    print(f"outcomes: {outcomes}")
    print(
        f"applyPolicyLoan auto-approved: n={len(samples)} p50={percentile(samples, 50):.2f} ms "
        f"p99={percentile(samples, 99):.2f} ms  (goal p99 <= 100 ms)"
    )


if __name__ == "__main__":
    main()
