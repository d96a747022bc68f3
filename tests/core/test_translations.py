import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The names makemessages (xgettext) extracts; a message marked under any other name is never translated.
EXTRACTED = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}


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
        for path in _sources()
        for name in alias.findall(path.read_text(encoding="utf-8"))
        if name not in EXTRACTED
    ]
    assert hidden == []


# --- What xgettext sees ---------------------------------------------------------------------------

TRANSLATION_CALLS = {*EXTRACTED, "gettext_noop", "npgettext", "npgettext_lazy"}
XGETTEXT_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]


def _project_apps() -> list[str]:
    """Every app of the project (a folder with apps.py), so new apps are checked without a list."""
    return sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def _sources() -> list[Path]:
    return [
        path
        for app in [*_project_apps(), "config"]
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _call_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def test_every_translation_call_marks_a_literal_xgettext_can_read():
    """`_(f"…")`, `_(variable)` or `_()` inside an f-string are never extracted: never translated."""
    hidden = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside_fstring = {
            id(node) for f in ast.walk(tree) if isinstance(f, ast.JoinedStr) for node in ast.walk(f)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in TRANSLATION_CALLS:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    hidden.append(f"{where}: not a string literal")
                elif id(node) in inside_fstring:
                    hidden.append(f"{where}: inside an f-string")
    assert hidden == []


def test_everything_xgettext_extracts_is_translated_in_the_catalog(tmp_path):
    if shutil.which("xgettext") is None:
        from tests.conftest import REQUIRE_SERVICES

        if REQUIRE_SERVICES:
            pytest.fail("xgettext is required (scripts/install-debian-packages.sh installs gettext)")
        pytest.skip("needs xgettext (Debian's gettext)")
    from django.utils.translation.template import templatize

    files = [str(path) for path in _sources()]
    for index, template in enumerate(
        path for app in _project_apps() for path in (ROOT / app).rglob("templates/**/*.html")
    ):
        converted = tmp_path / f"template_{index}.py"
        converted.write_text(templatize(template.read_text(encoding="utf-8")), encoding="utf-8")
        files.append(str(converted))
    pot = subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", "--output=-", *XGETTEXT_KEYWORDS, *files],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    extracted = {msgid for msgid, _msgstr in _entries(pot)}
    catalog = dict(_entries(PO.read_text(encoding="utf-8")))
    assert len(extracted) > 300
    missing = sorted(msgid for msgid in extracted if not catalog.get(msgid))
    assert missing == [], "run make messages and translate these"
