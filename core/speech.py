"""Text for speech engines: amounts and dates written as they are spoken, no symbols or abbreviations.

"¥50,000.00" → "人民币五万元整" / "fifty thousand yuan"; "2026-12-01" → "2026年12月1日" /
"the first of December, two thousand twenty-six".
"""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZH_DIGITS = "零一二三四五六七八九"
ZH_UNITS = ["", "十", "百", "千"]
ZH_SECTIONS = ["", "万", "亿", "万亿"]

EN_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
EN_SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand")]
EN_ORDINALS = {
    1: "first",
    2: "second",
    3: "third",
    4: "fourth",
    5: "fifth",
    6: "sixth",
    7: "seventh",
    8: "eighth",
    9: "ninth",
    10: "tenth",
    11: "eleventh",
    12: "twelfth",
    13: "thirteenth",
    14: "fourteenth",
    15: "fifteenth",
    16: "sixteenth",
    17: "seventeenth",
    18: "eighteenth",
    19: "nineteenth",
    20: "twentieth",
    30: "thirtieth",
}
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _zh_section(number: int) -> str:
    """0..9999 in Chinese, with the zeros a reader says ("一千零五")."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += ZH_DIGITS[digit] + ZH_UNITS[position]
    return text


def zh_integer(number: int) -> str:
    if number == 0:
        return "零"
    sections, text, need_zero = [], "", False
    while number:
        sections.append(number % 10000)
        number //= 10000
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or section < 1000):
            text += "零"
        text += _zh_section(section) + ZH_SECTIONS[index]
        need_zero = False
    # "一十" is read "十" at the start of a number (十二, 十万).
    return text[1:] if text.startswith("一十") else text


def en_integer(number: int) -> str:
    if number < 20:
        return EN_ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return EN_TENS[tens] + (f"-{EN_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{EN_ONES[hundreds]} hundred" + (f" {en_integer(rest)}" if rest else "")
    for scale, word in EN_SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            return f"{en_integer(high)} {word}" + (f" {en_integer(rest)}" if rest else "")
    raise ValueError(number)  # pragma: no cover


def amount_spoken(amount: Decimal, language: str = "zh-hans") -> str:
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    negative = amount < 0
    amount = abs(amount)
    yuan = int(amount)
    fen_total = int((amount - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)
    if language.startswith("en"):
        text = f"{en_integer(yuan)} yuan"
        if fen_total:
            text += f" and {en_integer(fen_total)} fen"
        return ("minus " if negative else "") + text
    text = "人民币" + ("负" if negative else "")
    if yuan or not fen_total:
        text += f"{zh_integer(yuan)}元"
    if not fen_total:
        return text + "整"
    if jiao:
        text += f"{ZH_DIGITS[jiao]}角"
    elif yuan:
        text += "零"
    if fen:
        text += f"{ZH_DIGITS[fen]}分"
    return text


def date_spoken(day: date, language: str = "zh-hans") -> str:
    if language.startswith("en"):
        ordinal = EN_ORDINALS.get(day.day)
        if ordinal is None:
            tens, ones = divmod(day.day, 10)
            ordinal = f"{EN_TENS[tens]}-{EN_ORDINALS[ones]}"
        return f"the {ordinal} of {EN_MONTHS[day.month - 1]}, {en_integer(day.year)}"
    return f"{day.year}年{day.month}月{day.day}日"


def _decimal_spoken(number: str, language: str) -> str:
    whole, _, decimals = number.partition(".")
    if language.startswith("en"):
        text = en_integer(int(whole))
        return text + (" point " + " ".join(EN_ONES[int(d)] for d in decimals) if decimals else "")
    text = zh_integer(int(whole))
    return text + ("点" + "".join(ZH_DIGITS[int(d)] for d in decimals) if decimals else "")


_MONEY = re.compile(r"(?:¥|￥|CNY|RMB)\s*(-?\d[\d,]*(?:\.\d+)?)|(-?\d[\d,]*(?:\.\d+)?)\s*(?:元|yuan|CNY|RMB)")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+")
_SYMBOLS = {
    "zh": {
        "&": "和",
        "+": "加",
        "/": "或",
        "*": "",
        "#": "",
        "~": "至",
        "@": "",
        "…": "",
        "【": "",
        "】": "",
        "|": "",
    },
    "en": {
        "&": " and ",
        "+": " plus ",
        "/": " or ",
        "*": "",
        "#": "",
        "~": " to ",
        "@": " at ",
        "…": "",
        "|": "",
    },
}
_ABBREVIATIONS = {
    "en": {"e.g.": "for example", "i.e.": "that is", "etc.": "and so on", "No.": "number", "APP": "app"}
}


def speakable(text: str, language: str = "zh-hans") -> str:
    """Rewrite display text for a speech engine: amounts, dates, percentages and numbers in words."""
    lang = "en" if language.startswith("en") else "zh"

    def money(match: re.Match) -> str:
        value = Decimal((match.group(1) or match.group(2)).replace(",", ""))
        spoken = amount_spoken(value, language)
        return spoken if lang == "zh" else f" {spoken} "

    def day(match: re.Match) -> str:
        spoken = date_spoken(date(int(match.group(1)), int(match.group(2)), int(match.group(3))), language)
        return spoken if lang == "zh" else f" {spoken} "

    def percent(match: re.Match) -> str:
        spoken = _decimal_spoken(match.group(1), language)
        return f"百分之{spoken}" if lang == "zh" else f" {spoken} percent "

    def number(match: re.Match) -> str:
        # Grouped or decimal numbers are spelled out; plain integers (years, days, counts, phone
        # numbers) stay as digits, which every speech engine reads correctly.
        raw = match.group(0)
        if "," not in raw and "." not in raw:
            return raw
        spoken = _decimal_spoken(raw.replace(",", ""), language)
        return spoken if lang == "zh" else f" {spoken} "

    text = _MONEY.sub(money, text)
    text = _DATE.sub(day, text)
    text = _PERCENT.sub(percent, text)
    if lang == "en":
        for short, long in _ABBREVIATIONS["en"].items():
            text = text.replace(short, long)
    text = _NUMBER.sub(number, text)
    for symbol, word in _SYMBOLS[lang].items():
        text = text.replace(symbol, word)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s+([,.;:!?，。；：！？])", r"\1", text).strip()
