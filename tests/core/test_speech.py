"""Read-aloud text: amounts and dates as they are spoken, nothing a speech engine stumbles on."""

import re
from datetime import date
from decimal import Decimal

import pytest

from core.speech import amount_spoken, date_spoken, speakable


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        ("50000.00", "人民币五万元整", "fifty thousand yuan"),
        ("1234.50", "人民币一千二百三十四元五角", "one thousand two hundred thirty-four yuan and fifty fen"),
        ("1005.05", "人民币一千零五元零五分", "one thousand five yuan and five fen"),
        ("100000.00", "人民币十万元整", "one hundred thousand yuan"),
        ("10.00", "人民币十元整", "ten yuan"),
        ("0.07", "人民币七分", "zero yuan and seven fen"),
        ("200000.01", "人民币二十万元零一分", "two hundred thousand yuan and one fen"),
        ("1000000.00", "人民币一百万元整", "one million yuan"),
        ("10010.00", "人民币一万零一十元整", "ten thousand ten yuan"),
        ("120300.00", "人民币十二万零三百元整", "one hundred twenty thousand three hundred yuan"),
        ("100000001.00", "人民币一亿零一元整", "one hundred million one yuan"),
        ("0.00", "人民币零元整", "zero yuan"),
    ],
)
def test_amounts(amount, zh, en):
    assert amount_spoken(Decimal(amount), "zh-hans") == zh
    assert amount_spoken(Decimal(amount), "en") == en


@pytest.mark.parametrize(
    ("day", "zh", "en"),
    [
        (date(2026, 12, 1), "2026年12月1日", "the first of December, two thousand twenty-six"),
        (date(2027, 5, 22), "2027年5月22日", "the twenty-second of May, two thousand twenty-seven"),
        (date(2026, 11, 30), "2026年11月30日", "the thirtieth of November, two thousand twenty-six"),
    ],
)
def test_dates(day, zh, en):
    assert date_spoken(day, "zh-hans") == zh
    assert date_spoken(day, "en") == en


FORBIDDEN = re.compile(r"\d,\d|[¥￥$%*#&@]|\bCNY\b|\bRMB\b|e\.g\.|etc\.")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("您可借款¥50,000.00，年利率5.5%。", "zh-hans", "您可借款人民币五万元整，年利率百分之五点五。"),
        (
            "请于2026-12-01前还款12,345.60元。",
            "zh-hans",
            "请于2026年12月1日前还款人民币一万二千三百四十五元六角。",
        ),
        (
            "You may borrow ¥50,000.00 at 5.5%.",
            "en",
            "You may borrow fifty thousand yuan at five point five percent.",
        ),
        (
            "Repay 1,200.00 yuan by 2026-12-01, e.g. by card.",
            "en",
            "Repay one thousand two hundred yuan by the first of December, two thousand twenty-six, for example by card.",
        ),
        ("警惕冒充客服 & 陌生链接 #防骗", "zh-hans", "警惕冒充客服 和 陌生链接 防骗"),
    ],
)
def test_speakable_text(text, language, expected):
    spoken = speakable(text, language)
    assert spoken == expected
    assert not FORBIDDEN.search(spoken)
