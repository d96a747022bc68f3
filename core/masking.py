"""Masking of personal data for responses, logs and the audit trail."""

import re


def mask_phone(phone: str | None) -> str:
    """138****0001: keep the carrier prefix and the last four digits."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_id_number(number: str | None) -> str:
    """110***********1234: a national ID keeps its region digit pair and last four."""
    if not number:
        return ""
    if len(number) <= 6:
        return "*" * len(number)
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}"


def mask_account_number(number: str | None) -> str:
    """**** **** **** 1234: bank numbers show only their last four digits."""
    if not number:
        return ""
    return f"**** **** **** {number[-4:]}"


# Long digit runs in free text: ID numbers (18 chars, may end in X), bank cards (12-19), phones (11).
# Digits after a decimal point are fractions (durations, amounts), never personal data.
_ID_RE = re.compile(r"(?<![0-9A-Za-z.])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_LONG_DIGITS_RE = re.compile(r"(?<![\d.])\d{12,19}(?!\d)")
_PHONE_RE = re.compile(r"(?<![\d.])(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Mask anything in free text that looks like an ID number, a bank card or a mobile phone."""
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _LONG_DIGITS_RE.sub(lambda m: mask_account_number(m.group(0)), text)
    return _PHONE_RE.sub(r"\1****\2", text)


def mask_name(name: str | None) -> str:
    """A person's name as staff may see it before they handle the person: the surname only (张**)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
