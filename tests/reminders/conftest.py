import pytest

from tests.policies.conftest import _payments, account, agent, frozen_time, other, owner, policy  # noqa: F401


@pytest.fixture
def scan_day():
    from datetime import date

    return date(2026, 11, 21)
