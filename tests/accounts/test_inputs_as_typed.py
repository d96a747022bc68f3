"""Phone and ID numbers as people type them; a refused code request says when to try again."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.identity import resident_id_validate
from accounts.models import CustomerProfile
from tests.clock import BUSINESS_NOW
from tests.conftest import LOGIN

from .test_login import REQUEST_OTP


@pytest.mark.parametrize("typed", ["+8613800000011", "138 0000 0011", "+86 138-0000-0011", " 13800000011 "])
def test_login_accepts_the_phone_as_people_type_it(gql, customer, typed):
    payload = gql(LOGIN, {"input": {"phone": typed, "password": "demo12345"}})["data"]["login"]
    assert payload["errors"] == [] and payload["accessToken"]


@pytest.mark.parametrize("typed", ["+86 138 0000 0011", "138-0000-0011"])
def test_codes_go_to_the_normalised_number(gql, customer, sms_outbox, typed):
    payload = gql(REQUEST_OTP, {"input": {"phone": typed}})["data"]["requestOtp"]
    assert payload["errors"] == [] and payload["sent"] is True
    assert [sms["phone"] for sms in sms_outbox] == ["13800000011"]


@pytest.mark.parametrize("typed", ["1380000001", "12345678901", "+1 650 253 0000", "phone", "1" * 40])
def test_numbers_that_are_not_mainland_mobiles_are_refused_clearly(gql, customer, typed):
    payload = gql(REQUEST_OTP, {"input": {"phone": typed}})["data"]["requestOtp"]
    assert payload["errors"] == [
        {"field": "phone", "code": "INVALID", "message": "请输入11位中国大陆手机号码。"}
    ]


def test_a_refused_code_request_says_when_to_try_again(gql, customer):
    with time_machine.travel(BUSINESS_NOW, tick=False) as traveller:
        assert gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})["data"]["requestOtp"]["sent"]
        traveller.shift(20)
        refused = gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})["data"]["requestOtp"]
    assert [e["code"] for e in refused["errors"]] == ["RATE_LIMITED"]
    assert refused["retryAfterSeconds"] == 41  # the minute's window frees up 40 s later (rounded up)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("110101199003071233", True),
        ("11010119900307123X", False),  # wrong check digit
        ("110101199002301230", False),  # 30 February
        ("999999199003071230", False),  # no such county
        ("11010119900307123", False),  # 17 digits
    ],
)
def test_resident_id_numbers_are_checked(number, valid):
    if valid:
        resident_id_validate(number)
    else:
        with pytest.raises(ValidationError):
            resident_id_validate(number)


@pytest.mark.django_db
def test_demo_and_synthetic_customers_have_valid_id_numbers():
    from django.core.management import call_command

    call_command("seed_demo", customers=40, batch_size=20, no_progress=True)
    for number in CustomerProfile.objects.values_list("id_number", flat=True):
        resident_id_validate(number)
