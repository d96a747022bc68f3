"""myPolicies(first: 20) for a customer with 5 policies, GraphQL against a hand-written JSON view;
then myPolicies(first: 100) for a customer holding 100 policies; and the server's collector pauses.

Needs DATABASE_URL (PostgreSQL). Seeds `seed_demo --customers 100000` when the book is smaller.
Prints SQL queries per request, p50/p99 for one client, and requests per second with 16 clients.
Goals (issue 19): GraphQL at >= 0.70 of the JSON view's throughput; first: 100 p99 <= 50 ms for one
client; collector pauses p99 <= 10 ms in the server.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    Client,
    gc_pauses,
    latency,
    login,
    manage,
    pause_summary,
    percentile,
    production_env,
    server,
    throughput,
)

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
PHONE = "15000000004"  # synthetic customer 4: five policies (1 + index % 5)
MANY_INDEX = 9_990_100  # a bench customer (phone 15009990100) holding 100 synthetic policies
QUERY = """
query Bench { myPolicies(first: 20) { edges { node {
  id number status effectiveDate premium sumAssured cashValue
  product { code name kind }
  nextPremium { dueDate amount status }
  renewalAccount { bankName maskedNumber }
  loanQuote { eligible maxAmount annualRate }
  loans { id principal outstandingPrincipal interest status }
  benefits { id kind amount status }
} } } }
"""


def queries_per_request(token: str) -> tuple[int, int]:
    os.environ.update(production_env())
    import django

    django.setup()
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    counts = []
    for path, kwargs in (
        ("/graphql/", {"data": {"query": QUERY}, "content_type": "application/json"}),
        ("/bench/my-policies.json", {}),
    ):
        method = client.post if path == "/graphql/" else client.get
        method(path, **kwargs)
        with CaptureQueriesContext(connection) as ctx:
            response = method(path, **kwargs)
        assert response.status_code == 200, response.content
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def customer_with_many_policies(count: int = 100) -> None:
    """Hand `count` synthetic policies (premiums, cash values, loans and benefits as seeded) to one
    bench customer, once."""
    os.environ.update(production_env())
    import django

    django.setup()
    from accounts.demo import synthetic_customer_fields
    from accounts.models import CustomerProfile, Role, User
    from policies.models import Policy

    fields = synthetic_customer_fields(MANY_INDEX)
    user, _ = User.objects.get_or_create(phone=fields.pop("phone"), defaults={"role": Role.CUSTOMER})
    user.set_password("demo12345")
    user.save(update_fields=["password"])
    customer, _ = CustomerProfile.objects.get_or_create(user=user, defaults=fields)
    held = Policy.objects.filter(holder=customer).count()
    if held < count:
        # Policies of the last synthetic customers (no bench reads theirs), holder and insured moved.
        ids = list(
            Policy.objects.filter(holder__user__phone__startswith="150")
            .exclude(holder=customer)
            .order_by("-pk")
            .values_list("pk", flat=True)[: count - held]
        )
        Policy.objects.filter(pk__in=ids).update(holder=customer, insured=customer)


def main() -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--customers", str(CUSTOMERS))
    customer_with_many_policies()
    with server() as port:
        token = login(port, PHONE)
        probe = Client(port, token)
        policies = probe.graphql(QUERY)["myPolicies"]["edges"]
        print(f"customer {PHONE}: {len(policies)} policies")

        def graphql_call():
            c = Client(port, token)
            return lambda: c.graphql(QUERY)

        def json_call():
            c = Client(port, token)

            def call():
                status, _ = c.request("GET", "/bench/my-policies.json")
                assert status == 200

            return call

        gc_pauses(port)  # start counting here: what login and the first requests allocated is not the load
        gql_latency = latency(graphql_call())
        json_latency = latency(json_call())
        gql_rps = throughput(graphql_call)
        json_rps = throughput(json_call)
        many_token = login(port, str(15000000000 + MANY_INDEX))
        many = Client(port, many_token)
        hundred = QUERY.replace("first: 20", "first: 100")
        assert len(many.graphql(hundred)["myPolicies"]["edges"]) == 100
        gql_pause_probe = gc_pauses(port)
        many_latency = latency(lambda: many.graphql(hundred), count=300)
        pauses = gql_pause_probe + gc_pauses(port)
    gql_queries, json_queries = queries_per_request(token)
    print(
        f"graphql   queries/request={gql_queries}  p50={gql_latency['p50_ms']} ms  p99={gql_latency['p99_ms']} ms  rps(16)={gql_rps}"
    )
    print(
        f"json view queries/request={json_queries}  p50={json_latency['p50_ms']} ms  p99={json_latency['p99_ms']} ms  rps(16)={json_rps}"
    )
    print(
        f"first: 100 (100 policies, one client) p50={many_latency['p50_ms']} ms  p99={many_latency['p99_ms']} ms"
    )
    print(f"server {pause_summary(pauses)}")
    print(
        f"graphql/json throughput ratio = {gql_rps / json_rps:.2f} (goal >= 0.70); first: 100 p99 = "
        f"{many_latency['p99_ms']} ms (goal <= 50); gc pause p99 = "
        f"{percentile([s * 1000 for _, s in pauses], 99) if pauses else 0:.2f} ms (goal <= 10)"
    )


if __name__ == "__main__":
    main()
