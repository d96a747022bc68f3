import logging

import pytest

from core.logging import MaskPersonalDataFilter
from core.masking import mask_account_number, mask_id_number, mask_phone, mask_text


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13800000001", "138****0001"), ("", ""), ("123", "***")],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


def test_mask_id_and_account_numbers():
    assert mask_id_number("11010119900307123X") == "110***********123X"
    assert mask_account_number("6222020200112233445") == "**** **** **** 3445"


def test_free_text_masking_leaves_no_personal_data():
    text = "客户13800000001 身份证110101199003071234 卡号6222020200112233445 金额1000.00"
    masked = mask_text(text)
    for secret in ("13800000001", "110101199003071234", "6222020200112233445"):
        assert secret not in masked
    assert "138****0001" in masked and "1000.00" in masked


def test_log_records_are_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login by %s", ("13800000001",), None)
    MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == "login by 138****0001"


def test_fractions_are_not_mistaken_for_personal_data():
    assert mask_text("succeeded in 0.04588234412345678s, amount 13800000001.50") == (
        "succeeded in 0.04588234412345678s, amount 138****0001.50"
    )
