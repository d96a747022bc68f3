import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The names makemessages (xgettext) extracts; a message marked under any other name is never translated.
EXTRACTED = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
APPS = ["accounts", "chat", "config", "core", "elder_mode", "policies", "reminders"]


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n")


def _entries(source: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs, joining wrapped lines; the header (empty msgid) is left out."""
    entries, current, field = [], {}, None
    for line in [*source.splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            field, _, rest = line.partition(" ")
            if field == "msgid" and current.get("msgstr") is not None:
                entries.append((current["msgid"], current["msgstr"]))
                current = {}
            current[field] = rest[1:-1]
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
        elif not line.strip() and "msgstr" in current:
            entries.append((current["msgid"], current["msgstr"]))
            current, field = {}, None
    return [(msgid, msgstr) for msgid, msgstr in entries if msgid]


def test_every_message_has_a_chinese_translation_in_the_compiled_catalog():
    source = PO.read_text(encoding="utf-8")
    entries = _entries(source)
    assert len(entries) > 100
    assert "Accept the chat before replying." in dict(entries)  # wrapped and unwrapped both parsed
    assert [msgid for msgid, msgstr in entries if not msgstr] == []
    assert "#, fuzzy" not in source
    with PO.with_suffix(".mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    stale = [msgid for msgid, msgstr in entries if catalog.gettext(_unescape(msgid)) != _unescape(msgstr)]
    assert stale == [], "run make messages: the .mo is older than the .po"


def test_translatable_text_is_marked_under_names_makemessages_extracts():
    alias = re.compile(r"from django\.utils\.translation import .*\b(?:n|p)?gettext(?:_lazy)? as (\w+)")
    hidden = [
        f"{path.relative_to(ROOT)}: {name}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        for name in alias.findall(path.read_text(encoding="utf-8"))
        if name not in EXTRACTED
    ]
    assert hidden == []
