"""ID and bank account numbers are encrypted at rest (keys from the environment), read back whole by
the code, unique and searchable only through their keyed digest."""

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction

from accounts.models import CustomerProfile
from core.crypto import keyed_digest
from policies.models import BankAccount
from tests.accounts.factories import CustomerFactory
from tests.policies.factories import BankAccountFactory


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_numbers_are_stored_encrypted_and_read_back_whole(db):
    customer = CustomerFactory(id_number="110101199003071233")
    account = BankAccountFactory(customer=customer, account_number="6222021234567890123")

    stored_id = _raw(CustomerProfile._meta.db_table, "id_number", customer.pk)
    stored_account = _raw(BankAccount._meta.db_table, "account_number", account.pk)
    assert "110101199003071233" not in stored_id and stored_id.startswith("enc1:")
    assert "6222021234567890123" not in stored_account and stored_account.startswith("enc1:")
    assert CustomerProfile.objects.get(pk=customer.pk).id_number == "110101199003071233"
    assert BankAccount.objects.get(pk=account.pk).account_number == "6222021234567890123"


def test_lookups_and_uniqueness_go_through_the_keyed_digest(db):
    customer = CustomerFactory(id_number="110101199003071233")
    assert CustomerProfile.objects.get(id_number_digest=keyed_digest("110101199003071233")) == customer
    with pytest.raises(FieldError):
        CustomerProfile.objects.filter(id_number="110101199003071233").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(id_number="110101199003071233")
    BankAccountFactory(customer=customer, account_number="6222021234567890123")
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountFactory(customer=customer, account_number="6222021234567890123")
