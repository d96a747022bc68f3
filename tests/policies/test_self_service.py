"""Bank account add and verify, renewal debit authorization over several policies, contact change by OTP."""

import re

import pytest

from policies.demo import luhn_complete
from policies.models import AuditEvent, BankAccount, ServicingRequest
from tests.conftest import error_codes

from .factories import BankAccountFactory, PolicyFactory
from .gql import gid

ADD_BANK_ACCOUNT = """
mutation A($input: AddBankAccountInput!) {
  addBankAccount(input: $input) { bankAccount { id bankName maskedNumber verified } request { type status } errors { field code message } }
}
"""
AUTHORIZE = """
mutation D($input: AuthorizeRenewalDebitInput!) {
  authorizeRenewalDebit(input: $input) {
    policies { number renewalAccount { bankName maskedNumber } } request { type status } errors { field code }
  }
}
"""
REQUEST_OTP = "mutation R($phone: String!) { requestOtp(input: {phone: $phone, purpose: CONTACT_CHANGE}) { sent errors { code } } }"
UPDATE_CONTACT = """
mutation U($input: UpdateContactInfoInput!) { updateContactInfo(input: $input) { request { type status } errors { field code } } }
"""
VALID_CARD = luhn_complete("622202020011223")


@pytest.fixture
def customer_gql(gql, owner):
    gql.login("13800000011")
    return gql


def test_add_bank_account_verifies_and_masks(customer_gql, owner):
    payload = customer_gql(
        ADD_BANK_ACCOUNT, {"input": {"bankCode": "ICBC", "accountNumber": VALID_CARD, "holderName": "张伟"}}
    )["data"]["addBankAccount"]

    assert payload["errors"] == []
    assert payload["bankAccount"]["maskedNumber"] == f"**** **** **** {VALID_CARD[-4:]}"
    assert payload["bankAccount"]["verified"] is True
    assert payload["request"] == {"type": "BANK_ACCOUNT_ADD", "status": "COMPLETED"}
    assert VALID_CARD not in str(payload)
    event = AuditEvent.objects.get(action="bank_account.add")
    assert VALID_CARD not in str(event.after) and VALID_CARD[-4:] in str(event.after)


@pytest.mark.parametrize(
    ("bank", "number", "holder", "field"),
    [
        ("ICBC", VALID_CARD, "李四", "holderName"),
        ("ICBC", VALID_CARD[:-1] + str((int(VALID_CARD[-1]) + 1) % 10), "张伟", "accountNumber"),
        ("ICBC", "1234", "张伟", "accountNumber"),
        ("NOPE", VALID_CARD, "张伟", "bankCode"),
        ("ICBC", VALID_CARD, "", "holderName"),
    ],
)
def test_add_bank_account_refusals_write_nothing(customer_gql, bank, number, holder, field):
    payload = customer_gql(
        ADD_BANK_ACCOUNT, {"input": {"bankCode": bank, "accountNumber": number, "holderName": holder}}
    )["data"]["addBankAccount"]
    assert payload["errors"][0]["code"] == "INVALID" and payload["errors"][0]["field"] == field
    assert not BankAccount.objects.exists() and not ServicingRequest.objects.exists()


def test_adding_the_same_account_twice_is_a_duplicate(customer_gql):
    variables = {"input": {"bankCode": "ICBC", "accountNumber": VALID_CARD, "holderName": "张伟"}}
    customer_gql(ADD_BANK_ACCOUNT, variables)
    again = customer_gql(ADD_BANK_ACCOUNT, variables)["data"]["addBankAccount"]
    assert again["errors"][0]["code"] == "DUPLICATE_REQUEST"
    assert BankAccount.objects.count() == 1


def test_renewal_debit_authorization_over_several_policies(customer_gql, owner, account):
    policies = [PolicyFactory(holder=owner), PolicyFactory(holder=owner, status="GRACE")]
    payload = customer_gql(
        AUTHORIZE,
        {
            "input": {
                "policyIds": [gid("Policy", p) for p in policies],
                "bankAccountId": gid("BankAccount", account),
            }
        },
    )["data"]["authorizeRenewalDebit"]

    assert payload["errors"] == []
    assert payload["request"] == {"type": "RENEWAL_DEBIT_AUTHORIZATION", "status": "COMPLETED"}
    assert {p["renewalAccount"]["maskedNumber"] for p in payload["policies"]} == {account.masked_number}
    for policy in policies:
        policy.refresh_from_db()
        assert policy.renewal_account == account
    assert AuditEvent.objects.filter(action="policy.renewal_debit_authorize").count() == 2


def test_renewal_debit_with_a_foreign_policy_changes_nothing(customer_gql, owner, other, account):
    mine = PolicyFactory(holder=owner)
    theirs = PolicyFactory(holder=other)
    payload = customer_gql(
        AUTHORIZE,
        {
            "input": {
                "policyIds": [gid("Policy", mine), gid("Policy", theirs)],
                "bankAccountId": gid("BankAccount", account),
            }
        },
    )["data"]["authorizeRenewalDebit"]
    assert payload["errors"] == [{"field": "policyIds.1", "code": "NOT_FOUND"}]
    mine.refresh_from_db()
    assert mine.renewal_account is None


def test_contact_change_with_otp_sent_to_the_new_phone(customer_gql, owner, sms_outbox):
    assert customer_gql(REQUEST_OTP, {"phone": "13900009999"})["data"]["requestOtp"]["sent"] is True
    assert sms_outbox[-1]["phone"] == "13900009999"
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sms_outbox[-1]["text"]).group(1)

    wrong = customer_gql(
        UPDATE_CONTACT, {"input": {"phone": "13900009999", "otp": "000000" if code != "000000" else "111111"}}
    )
    assert wrong["data"]["updateContactInfo"]["errors"] == [{"field": "otp", "code": "OTP_INVALID"}]
    owner.user.refresh_from_db()
    assert owner.user.phone == "13800000011"

    ok = customer_gql(
        UPDATE_CONTACT,
        {"input": {"phone": "13900009999", "otp": code, "email": "new@example.com", "address": "北京市"}},
    )["data"]["updateContactInfo"]
    assert ok["errors"] == [] and ok["request"] == {"type": "CONTACT_CHANGE", "status": "COMPLETED"}
    owner.refresh_from_db()
    owner.user.refresh_from_db()
    assert (owner.user.phone, owner.email, owner.address) == ("13900009999", "new@example.com", "北京市")
    event = AuditEvent.objects.get(action="customer.contact_change")
    assert event.before["phone"] == "138****0011" and event.after["phone"] == "139****9999"


def test_contact_change_refusals(customer_gql, other):
    assert customer_gql(UPDATE_CONTACT, {"input": {"email": "not-an-email"}})["data"]["updateContactInfo"][
        "errors"
    ] == [{"field": "email", "code": "INVALID"}]
    taken = customer_gql(UPDATE_CONTACT, {"input": {"phone": "13800000012", "otp": "123456"}})
    assert taken["data"]["updateContactInfo"]["errors"] == [{"field": "phone", "code": "INVALID"}]
    no_code = customer_gql(UPDATE_CONTACT, {"input": {"phone": "13900008888"}})
    assert no_code["data"]["updateContactInfo"]["errors"] == [{"field": "otp", "code": "OTP_INVALID"}]


def test_contact_change_otp_needs_login(gql):
    assert error_codes(gql(REQUEST_OTP, {"phone": "13900009999"})) == ["UNAUTHENTICATED"]


def test_bank_accounts_list_is_own_and_masked(customer_gql, owner, other, account):
    BankAccountFactory(customer=other)
    accounts = customer_gql("query { myBankAccounts { id maskedNumber bankName verified } }")["data"][
        "myBankAccounts"
    ]
    assert [a["id"] for a in accounts] == [gid("BankAccount", account)]
    assert account.account_number not in str(accounts)
