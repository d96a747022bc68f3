"""The login lockout holds under a burst: 20 concurrent wrong passwords on real PostgreSQL
connections leave one counter row per key, every answer is a refusal (never INTERNAL), and the
right password is locked out afterwards."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import LoginThrottle
from tests.conftest import LOGIN, GraphQLClient

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)
BURST = 20


def _burst(password: str, count: int) -> list[dict]:
    barrier = threading.Barrier(count)

    def attempt(_index):
        try:
            barrier.wait(timeout=30)
            response = GraphQLClient().post_raw(
                {"query": LOGIN, "variables": {"input": {"phone": "13800000061", "password": password}}}
            )
            return response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))


@pytest.mark.parametrize("round_", range(3))
def test_a_burst_of_wrong_passwords_is_counted_once_per_key_and_locks(postgres, round_):
    CustomerFactory(user__phone="13800000061")

    results = _burst("wrong-password", BURST)

    assert all("errors" not in r for r in results), [r.get("errors") for r in results]
    codes = [r["data"]["login"]["errors"][0]["code"] for r in results]
    assert set(codes) <= {"INVALID", "RATE_LIMITED"} and "RATE_LIMITED" in codes
    assert sorted(LoginThrottle.objects.values_list("key", flat=True)) == ["ip:10.1.2.3", "phone:13800000061"]
    phone = LoginThrottle.objects.get(key="phone:13800000061")
    # Failures are counted until the lock, then refused before any password is checked.
    assert phone.failures >= 5 and phone.locked_until is not None
    right = GraphQLClient()(LOGIN, {"input": {"phone": "13800000061", "password": "demo12345"}})
    assert right["data"]["login"]["errors"][0]["code"] == "RATE_LIMITED"
    assert right["data"]["login"]["accessToken"] is None


def test_the_admin_login_shares_the_lockout(postgres, client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("13700000061", "demo12345")
    for _ in range(5):
        client.post("/admin/login/", {"username": "13700000061", "password": "nope"}, REMOTE_ADDR="10.9.9.9")
    response = client.post(
        "/admin/login/", {"username": "13700000061", "password": "demo12345"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert LoginThrottle.objects.get(key="phone:13700000061").locked_until is not None


REFRESH = "mutation R($t: String!) { refreshToken(input: {refreshToken: $t}) { accessToken refreshToken errors { code } } }"


def test_a_refresh_retried_concurrently_by_a_flaky_network_keeps_the_session(postgres):
    from accounts.models import AuthSession

    CustomerFactory(user__phone="13800000062")
    login = GraphQLClient().login("13800000062")
    barrier = threading.Barrier(8)

    def refresh(_index):
        try:
            barrier.wait(timeout=30)
            return GraphQLClient()(REFRESH, {"t": login["refreshToken"]})["data"]["refreshToken"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(refresh, range(8)))

    assert all(a["errors"] == [] for a in answers), answers
    assert len({a["refreshToken"] for a in answers}) == 1  # the same new pair for every retry
    assert AuthSession.objects.get(user__phone="13800000062").revoked_at is None
