"""Schema-driven fuzzing of the GraphQL endpoint (schemathesis), as a customer, an agent, a desk agent
and a supervisor: any INTERNAL error, 5xx, traceback or unmasked personal data fails the run.

    python scripts/fuzz_graphql.py --url http://127.0.0.1:8000/graphql/ --examples 25 --seed 20261121

Needs a running server on a database seeded with the demo data (`manage.py seed_demo`). Prints one
last line: requests=N internal=N server_errors=N tracebacks=N unmasked=N.
"""

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

import requests
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

ROOT = Path(__file__).resolve().parents[1]
ROLES = {
    "customer": "13800000001",
    "agent": "13900000001",
    "staff": "13700000001",
    "supervisor": "13700000004",
}
PASSWORD = "demo12345"
# Operations that would end the fuzzing session itself.
SKIP = {"Mutation.logout"}
# Unmasked personal data: mainland mobiles, 18-character ID numbers, 16-19 digit bank numbers.
PERSONAL = re.compile(r"(?<![\d*])(?:1[3-9]\d{9}|\d{17}[\dXx]|\d{16,19})(?![\d*])")


def register_scalars() -> None:
    """Our custom scalars, valid and hostile (amounts as people and attackers type them)."""
    amounts = st.one_of(
        st.decimals(min_value=-(10**6), max_value=10**7, places=2, allow_nan=False).map(str),
        st.sampled_from(["1e309", "NaN", "-Infinity", "0.001", "1" + "0" * 40, "abc", ""]),
    )
    schemathesis.graphql.scalar("Decimal", amounts.map(nodes.String))
    schemathesis.graphql.scalar("Rate", st.sampled_from(["0.05", "2", "-1", "x"]).map(nodes.String))
    schemathesis.graphql.scalar(
        "Date", st.one_of(st.dates().map(str), st.text(max_size=12)).map(nodes.String)
    )
    schemathesis.graphql.scalar(
        "DateTime",
        st.one_of(st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=20)).map(nodes.String),
    )


def server_wait(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(url.rsplit("/graphql/", 1)[0] + "/healthz", timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # still starting (models load beside it)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)  # the server is still starting; bounded by the deadline


def login(url: str, phone: str) -> str:
    query = "mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }"
    body = {"query": query, "variables": {"i": {"phone": phone, "password": PASSWORD}}}
    payload = requests.post(url, json=body, timeout=30).json()["data"]["login"]
    if not payload["accessToken"]:
        sys.exit(f"cannot log in as {phone}: {payload['errors']}")
    return payload["accessToken"]


def check(response: requests.Response, counts: Counter, failures: list, label: str) -> None:
    counts["requests"] += 1
    text = response.text
    problems = []
    if response.status_code >= 500:
        counts["server_errors"] += 1
        problems.append(f"HTTP {response.status_code}")
    if "Traceback (most recent call last)" in text:
        counts["tracebacks"] += 1
        problems.append("traceback")
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        errors = []
    if any((error.get("extensions") or {}).get("code") == "INTERNAL" for error in errors):
        counts["internal"] += 1
        problems.append("INTERNAL")
    # Digits the request itself sent may come back (an echo is not a leak): only the demo book's.
    leaked = [m for m in PERSONAL.findall(text) if m not in response.request.body.decode(errors="ignore")]
    if leaked:
        counts["unmasked"] += 1
        problems.append(f"unmasked {leaked[:3]}")
    if problems and len(failures) < 20:
        failures.append(f"{label}: {', '.join(problems)}: {response.request.body[:300]!r} -> {text[:300]}")


def fuzz_operation(operation, session, options, counts: Counter, failures: list, role: str) -> None:
    @seed(options.seed)
    @settings(
        max_examples=options.examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case):
        body = case.body if isinstance(case.body, dict) else {"query": case.body}
        response = session.post(options.url, json=body, timeout=30)
        check(response, counts, failures, f"{role} {operation.label}")

    fuzz()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql/")
    parser.add_argument("--examples", type=int, default=25, help="examples per operation and role")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the server to answer")
    options = parser.parse_args()
    server_wait(options.url, options.wait)

    register_scalars()
    schema = schemathesis.graphql.from_path(str(ROOT / "schema.graphql"))
    operations = [result.ok() for result in schema.get_all_operations()]
    counts: Counter = Counter()
    failures: list[str] = []
    # All logins first: fuzzing `login` itself soon locks this address out (as it should).
    tokens = {role: login(options.url, phone) for role, phone in ROLES.items()}
    for role, token in tokens.items():
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        for operation in operations:
            if operation.label not in SKIP:
                fuzz_operation(operation, session, options, counts, failures, role)
        print(f"{role}: {counts['requests']} requests so far", flush=True)
    for failure in failures:
        print(failure)
    print(
        " ".join(
            f"{key}={counts[key]}"
            for key in ("requests", "internal", "server_errors", "tracebacks", "unmasked")
        )
    )
    bad = counts["internal"] + counts["server_errors"] + counts["tracebacks"] + counts["unmasked"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
