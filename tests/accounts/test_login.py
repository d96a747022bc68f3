"""Login with password and OTP, lockout, token rotation and logout through the GraphQL API."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import AuthSession, OtpCode, RefreshToken
from tests.conftest import LOGIN, error_codes

REQUEST_OTP = """
mutation RequestOtp($input: RequestOtpInput!) {
  requestOtp(input: $input) { sent expiresAt retryAfterSeconds errors { field code message } }
}
"""
REFRESH = """
mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken refreshToken errors { field code message } }
}
"""
LOGOUT = "mutation { logout { ok errors { code } } }"
VIEWER = "query { viewer { id role displayName maskedPhone customer { name maskedIdNumber } } }"

NOW = timezone.datetime(2026, 11, 21, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


def _code_from(outbox) -> str:
    return re.search(r"(?<!\d)(\d{6})(?!\d)", outbox[-1]["text"]).group(1)


def _login(gql, **input_):
    return gql(LOGIN, {"input": input_})["data"]["login"]


def test_password_login_returns_tokens_and_viewer(gql, customer):
    payload = _login(gql, phone="13800000011", password="demo12345")

    assert payload["errors"] == []
    assert payload["viewer"]["role"] == "CUSTOMER"
    assert payload["viewer"]["maskedPhone"] == "138****0011"
    assert AuthSession.objects.filter(user=customer.user).count() == 1
    # The refresh token is stored only as a hash.
    assert not RefreshToken.objects.filter(token_hash=payload["refreshToken"]).exists()
    viewer = gql(VIEWER, token=payload["accessToken"])["data"]["viewer"]
    assert (
        viewer["customer"]["maskedIdNumber"].startswith("110") and "*" in viewer["customer"]["maskedIdNumber"]
    )
    assert customer.id_number not in str(viewer)


def test_wrong_password_is_refused_in_the_payload_translated(gql, customer):
    zh = _login(gql, phone="13800000011", password="nope-nope")
    en = gql(LOGIN, {"input": {"phone": "13800000011", "password": "nope-nope"}}, lang="en")["data"]["login"]

    assert zh["accessToken"] is None
    assert zh["errors"] == [{"field": "password", "code": "INVALID", "message": "手机号或密码错误。"}]
    assert en["errors"][0]["message"] == "The phone number or password is wrong."


def test_password_and_otp_together_are_refused(gql, customer):
    payload = _login(gql, phone="13800000011", password="demo12345", otp="123456")
    assert payload["errors"][0]["code"] == "INVALID"
    assert payload["accessToken"] is None


@time_machine.travel(NOW, tick=False)
def test_otp_login_and_reuse_refused(gql, customer, sms_outbox):
    sent = gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})["data"]["requestOtp"]
    assert sent["sent"] is True and sent["errors"] == []
    assert sms_outbox[-1]["phone"] == "13800000011"
    code = _code_from(sms_outbox)

    first = _login(gql, phone="13800000011", otp=code)
    second = _login(gql, phone="13800000011", otp=code)

    assert first["errors"] == [] and first["viewer"]["role"] == "CUSTOMER"
    assert second["errors"][0]["code"] == "OTP_INVALID" and second["accessToken"] is None


def test_wrong_otp_refused_and_fifth_wrong_try_kills_the_code(gql, customer, sms_outbox):
    with time_machine.travel(NOW, tick=False):
        gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})
        code = _code_from(sms_outbox)
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(5):
            assert _login(gql, phone="13800000011", otp=wrong)["errors"][0]["code"] == "OTP_INVALID"

        assert OtpCode.objects.get().attempts == 5
        assert _login(gql, phone="13800000011", otp=code)["errors"][0]["code"] == "OTP_INVALID"


def test_expired_otp_refused(gql, customer, sms_outbox):
    with time_machine.travel(NOW, tick=False):
        gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})
        code = _code_from(sms_outbox)
    with time_machine.travel(NOW + timedelta(minutes=5, seconds=1), tick=False):
        assert _login(gql, phone="13800000011", otp=code)["errors"][0]["code"] == "OTP_INVALID"
    with time_machine.travel(NOW + timedelta(minutes=4, seconds=59), tick=False):
        assert _login(gql, phone="13800000011", otp=code)["errors"] == []


def test_otp_rate_limits_one_a_minute_and_sixth_in_the_hour(gql, customer, sms_outbox):
    for i in range(5):
        with time_machine.travel(NOW + timedelta(seconds=61 * i), tick=False):
            payload = gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})["data"]["requestOtp"]
            assert payload["errors"] == [], i
            again = gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})["data"]["requestOtp"]
            assert again["errors"][0]["code"] == "RATE_LIMITED"

    with time_machine.travel(NOW + timedelta(seconds=61 * 5), tick=False):
        sixth = gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})["data"]["requestOtp"]
    assert sixth["sent"] is False
    assert sixth["errors"][0]["code"] == "RATE_LIMITED"
    assert len(sms_outbox) == 5


def test_otp_for_unknown_phone_answers_the_same_but_sends_nothing(gql, sms_outbox):
    payload = gql(REQUEST_OTP, {"input": {"phone": "13512345678"}})["data"]["requestOtp"]
    assert payload["sent"] is True and payload["errors"] == []
    assert sms_outbox == []


@pytest.mark.parametrize("phone", ["12345", "1380000001x", "23800000001", "138000000011", "", " " * 40])
def test_malformed_phone_gets_a_clear_error(gql, phone):
    payload = gql(REQUEST_OTP, {"input": {"phone": phone}})["data"]["requestOtp"]
    assert payload["errors"] == [
        {"field": "phone", "code": "INVALID", "message": "请输入11位中国大陆手机号码。"}
    ]
    assert OtpCode.objects.count() == 0


def test_overlong_strings_are_refused_without_500(gql, customer):
    payload = _login(gql, phone="1" * 5000, password="x" * 100_00)
    assert payload["errors"][0]["code"] == "INVALID"
    assert payload["accessToken"] is None


def test_lockout_after_repeated_wrong_passwords_and_unlock_after_cool_off(gql, customer):
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            assert _login(gql, phone="13800000011", password="wrong-pass")["errors"][0]["code"] == "INVALID"
        # The fifth failure locks, and says so.
        fifth = _login(gql, phone="13800000011", password="wrong-pass")
        assert fifth["errors"][0]["code"] == "RATE_LIMITED"
        locked = _login(gql, phone="13800000011", password="demo12345")
        assert locked["errors"][0]["code"] == "RATE_LIMITED"
        assert locked["accessToken"] is None
    with time_machine.travel(NOW + timedelta(minutes=14), tick=False):
        assert _login(gql, phone="13800000011", password="demo12345")["errors"][0]["code"] == "RATE_LIMITED"
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        assert _login(gql, phone="13800000011", password="demo12345")["errors"] == []


def test_refresh_rotates_and_a_spent_token_revokes_the_session(gql, customer):
    with time_machine.travel(NOW, tick=False) as clock:
        login = _login(gql, phone="13800000011", password="demo12345")

        rotated = gql(REFRESH, {"input": {"refreshToken": login["refreshToken"]}})["data"]["refreshToken"]
        assert rotated["errors"] == [] and rotated["refreshToken"] != login["refreshToken"]

        # Past the retry grace, the spent token coming back means a copy exists.
        clock.shift(timedelta(seconds=11))
        reused = gql(REFRESH, {"input": {"refreshToken": login["refreshToken"]}})["data"]["refreshToken"]
    assert reused["errors"][0]["code"] == "INVALID" and reused["accessToken"] is None
    # Reuse means a copy exists: the rotated token and its access token die with the session.
    after = gql(REFRESH, {"input": {"refreshToken": rotated["refreshToken"]}})["data"]["refreshToken"]
    assert after["errors"][0]["code"] == "INVALID"
    assert error_codes(gql(VIEWER, token=rotated["accessToken"])) == ["UNAUTHENTICATED"]


def test_refresh_token_expires_after_30_days(gql, customer):
    with time_machine.travel(NOW, tick=False):
        login = _login(gql, phone="13800000011", password="demo12345")
    with time_machine.travel(NOW + timedelta(days=30, seconds=1), tick=False):
        payload = gql(REFRESH, {"input": {"refreshToken": login["refreshToken"]}})["data"]["refreshToken"]
    assert payload["errors"][0]["code"] == "INVALID"


def test_logout_revokes_access_and_refresh_tokens(gql, customer):
    login = _login(gql, phone="13800000011", password="demo12345")
    other_device = _login(gql, phone="13800000011", password="demo12345")

    assert gql(LOGOUT, token=login["accessToken"])["data"]["logout"]["ok"] is True

    assert error_codes(gql(VIEWER, token=login["accessToken"])) == ["UNAUTHENTICATED"]
    refresh = gql(REFRESH, {"input": {"refreshToken": login["refreshToken"]}})["data"]["refreshToken"]
    assert refresh["errors"][0]["code"] == "INVALID"
    # Only this device's login ends.
    assert gql(VIEWER, token=other_device["accessToken"])["data"]["viewer"]["role"] == "CUSTOMER"


def test_viewer_anonymous_expired_and_deactivated_are_unauthenticated(gql, customer):
    assert error_codes(gql(VIEWER)) == ["UNAUTHENTICATED"]
    assert error_codes(gql(VIEWER, token="not-a-token")) == ["UNAUTHENTICATED"]

    with time_machine.travel(NOW, tick=False):
        token = _login(gql, phone="13800000011", password="demo12345")["accessToken"]
    with time_machine.travel(NOW + timedelta(minutes=14), tick=False):
        assert gql(VIEWER, token=token)["data"]["viewer"]["role"] == "CUSTOMER"
    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        expired = gql(VIEWER, token=token, lang="en")
    assert error_codes(expired) == ["UNAUTHENTICATED"]
    assert "expired" in expired["errors"][0]["message"]

    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        customer.user.is_active = False
        customer.user.save()
        assert error_codes(gql(VIEWER, token=token)) == ["UNAUTHENTICATED"]


def test_a_refresh_retried_within_seconds_gets_the_same_new_pair(gql, customer):
    with time_machine.travel(NOW, tick=False) as clock:
        login = _login(gql, phone="13800000011", password="demo12345")
        first = gql(REFRESH, {"input": {"refreshToken": login["refreshToken"]}})["data"]["refreshToken"]
        clock.shift(timedelta(seconds=9))
        retried = gql(REFRESH, {"input": {"refreshToken": login["refreshToken"]}})["data"]["refreshToken"]

        assert retried == first and first["errors"] == []
        # The session lives on: the new pair works, once.
        assert gql(VIEWER, token=first["accessToken"])["data"]["viewer"]["role"] == "CUSTOMER"
        assert AuthSession.objects.get().revoked_at is None
        nxt = gql(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})["data"]["refreshToken"]
        assert nxt["errors"] == []


def test_an_sms_provider_failure_never_fails_the_committed_request(gql, customer, monkeypatch):
    from accounts import sms

    def broken(*, phone, text):
        raise ConnectionError("provider down")

    monkeypatch.setattr(sms.MemorySmsBackend, "send", lambda self, **kw: broken(**kw))
    payload = gql(REQUEST_OTP, {"input": {"phone": "13800000011"}})["data"]["requestOtp"]
    assert payload["sent"] is True and payload["errors"] == []
    assert OtpCode.objects.filter(phone="13800000011").count() == 1  # the code row committed
