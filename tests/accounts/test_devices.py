"""Push device registration per user, platform and app."""

from accounts.models import Device
from tests.conftest import error_codes

REGISTER = """
mutation Register($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { device { platform app active lastSeenAt } errors { field code } }
}
"""
UNREGISTER = """
mutation Unregister($input: UnregisterDeviceInput!) { unregisterDevice(input: $input) { ok errors { code } } }
"""


def test_register_then_unregister(gql, customer):
    gql.login("13800000011")
    payload = gql(REGISTER, {"input": {"token": "fcm-token-1", "platform": "ANDROID", "app": "CUSTOMER_APP"}})
    assert payload["data"]["registerDevice"]["device"] == {
        "platform": "ANDROID",
        "app": "CUSTOMER_APP",
        "active": True,
        "lastSeenAt": payload["data"]["registerDevice"]["device"]["lastSeenAt"],
    }
    device = Device.objects.get()
    assert (device.user, device.token, device.active) == (customer.user, "fcm-token-1", True)

    assert gql(UNREGISTER, {"input": {"token": "fcm-token-1"}})["data"]["unregisterDevice"]["ok"] is True
    assert Device.objects.get().active is False


def test_registering_again_updates_one_row_and_moves_the_token_to_the_new_user(gql, customer, agent):
    gql.login("13800000011")
    gql(REGISTER, {"input": {"token": "shared", "platform": "IOS", "app": "CUSTOMER_APP"}})
    gql(REGISTER, {"input": {"token": "shared", "platform": "IOS", "app": "CUSTOMER_APP"}})
    assert Device.objects.count() == 1

    gql.login("13900000011")
    gql(REGISTER, {"input": {"token": "shared", "platform": "IOS", "app": "AGENT_APP"}})
    device = Device.objects.get()
    assert (device.user, device.app) == (agent.user, "AGENT_APP")


def test_another_users_token_cannot_be_unregistered(gql, customer, agent):
    gql.login("13800000011")
    gql(REGISTER, {"input": {"token": "mine", "platform": "IOS", "app": "CUSTOMER_APP"}})
    gql.login("13900000011")
    payload = gql(UNREGISTER, {"input": {"token": "mine"}})["data"]["unregisterDevice"]
    assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert Device.objects.get().active is True


def test_anonymous_cannot_register_and_bad_enum_is_bad_user_input(gql):
    result = gql(REGISTER, {"input": {"token": "t", "platform": "ANDROID", "app": "CUSTOMER_APP"}})
    assert error_codes(result) == ["UNAUTHENTICATED"]
    bad = gql.post_raw(
        {"query": REGISTER, "variables": {"input": {"token": "t", "platform": "WEB", "app": "X"}}}
    )
    assert bad.status_code == 200
    assert set(error_codes(bad.json())) == {"BAD_USER_INPUT"}
    assert Device.objects.count() == 0
