"""The admin speaks Chinese to a Chinese desk: every column header and filter title is translated."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.utils import translation

# Latin letters left once these abbreviations, which Chinese staff read as they are, are removed.
LATIN = re.compile(r"[A-Za-z]")
# NPS and CSAT are the terms Chinese service teams use for these scores (净推荐值 NPS, 满意度 CSAT).
ABBREVIATIONS = re.compile(r"(?<![A-Za-z])(?:ID|IP|NPS|CSAT)(?![A-Za-z])")
OURS = {
    "accounts",
    "policies",
    "reminders",
    "chat",
    "elder_mode",
    "operations",
    "feedback",
    "new_business",
    "core",
}


def _columns():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OURS:
            continue  # third-party screens: their labels are translated where we could (core.third_party_labels)
        for name in [*model_admin.list_display, *model_admin.list_filter]:
            if isinstance(name, str) and name != "__str__":
                yield model, model_admin, name


@pytest.mark.django_db
def test_every_column_and_filter_of_the_admin_has_a_chinese_label():
    english = []
    with translation.override("zh-hans"):
        for model, model_admin, name in _columns():
            label = str(label_for_field(name, model, model_admin))
            if LATIN.search(ABBREVIATIONS.sub("", label)):
                english.append(f"{model._meta.label}.{name}: {label}")
    assert english == []
