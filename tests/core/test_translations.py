import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n")


def test_every_message_has_a_chinese_translation_in_the_compiled_catalog():
    source = PO.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', source, re.M)
    assert entries
    assert [msgid for msgid, msgstr in entries if not msgstr] == []
    assert "#, fuzzy" not in source
    with PO.with_suffix(".mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    stale = [msgid for msgid, msgstr in entries if catalog.gettext(_unescape(msgid)) != _unescape(msgstr)]
    assert stale == [], "run make messages: the .mo is older than the .po"
