"""myPolicies(first: 20) for a customer with 5 policies, GraphQL against a hand-written JSON view.

Needs DATABASE_URL (PostgreSQL). Seeds `seed_demo --customers 100000` when the book is smaller.
Prints SQL queries per request, p50/p99 for one client, and requests per second with 16 clients.
Goal (issue 3): GraphQL at >= 50% of the JSON view's throughput, p99 <= 50 ms.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Client, latency, login, manage, production_env, server, throughput

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
PHONE = "15000000004"  # synthetic customer 4: five policies (1 + index % 5)
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


def main() -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--customers", str(CUSTOMERS))
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

        gql_latency = latency(graphql_call())
        json_latency = latency(json_call())
        gql_rps = throughput(graphql_call)
        json_rps = throughput(json_call)
    gql_queries, json_queries = queries_per_request(token)
    print(
        f"graphql   queries/request={gql_queries}  p50={gql_latency['p50_ms']} ms  p99={gql_latency['p99_ms']} ms  rps(16)={gql_rps}"
    )
    print(
        f"json view queries/request={json_queries}  p50={json_latency['p50_ms']} ms  p99={json_latency['p99_ms']} ms  rps(16)={json_rps}"
    )
    print(f"graphql/json throughput ratio = {gql_rps / json_rps:.2f}  (goal >= 0.50; p99 goal <= 50 ms)")


if __name__ == "__main__":
    main()
