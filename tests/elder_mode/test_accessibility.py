"""The accessibility profile, its hints against the MIIT and WCAG numbers, and the age boundary."""

from datetime import date

import pytest
import time_machine

from tests.accounts.factories import CustomerFactory
from tests.conftest import error_codes

VIEWER = """query { viewer { accessibility {
  elderMode suggested fontScale highContrast readAloud hideMarketing dialect
  minFontSizeDp maxFontSizeDp lineSpacing minTouchTargetDp minContrastRatio
} } }"""
UPDATE = """
mutation U($input: UpdateAccessibilityInput!) {
  updateAccessibility(input: $input) {
    accessibility { elderMode fontScale minFontSizeDp maxFontSizeDp lineSpacing minTouchTargetDp minContrastRatio hideMarketing dialect }
    errors { field code message readAloudText }
  }
}
"""


def test_elderly_customer_gets_elder_mode_suggested(elder_gql):
    access = elder_gql(VIEWER)["data"]["viewer"]["accessibility"]
    assert access["suggested"] is True
    assert access["elderMode"] is False
    assert access["minFontSizeDp"] == 14 and access["minTouchTargetDp"] == 48


@pytest.mark.parametrize(
    ("today", "suggested"),
    [(date(2024, 5, 11), False), (date(2024, 5, 12), True)],
)
def test_suggestion_starts_on_the_60th_birthday(gql, db, today, suggested):
    CustomerFactory(user__phone="13800000033", birth_date=date(1964, 5, 12))
    with time_machine.travel(today, tick=False):
        gql.login("13800000033")
        assert gql(VIEWER)["data"]["viewer"]["accessibility"]["suggested"] is suggested


@pytest.mark.parametrize("scale", [1.0, 1.25, 1.5, 1.75, 2.0])
def test_elder_mode_hints_meet_miit_and_wcag_at_every_scale(elder_gql, scale):
    access = elder_gql(UPDATE, {"input": {"elderMode": True, "fontScale": scale}})["data"][
        "updateAccessibility"
    ]["accessibility"]
    # MIIT elder-friendly rules
    assert access["minFontSizeDp"] >= 18
    assert access["maxFontSizeDp"] >= 30
    assert access["lineSpacing"] >= 1.3
    assert access["minTouchTargetDp"] >= 60
    assert access["minContrastRatio"] >= 4.5
    assert access["hideMarketing"] is True
    # WCAG 1.4.4: text grows with the scale, up to 200%
    assert access["minFontSizeDp"] >= 18 * scale
    assert access["maxFontSizeDp"] >= 30 * scale
    assert access["fontScale"] == scale


def test_high_contrast_raises_the_contrast_ratio_and_dialect_is_kept(elder_gql):
    access = elder_gql(UPDATE, {"input": {"highContrast": True, "dialect": "CANTONESE"}})["data"][
        "updateAccessibility"
    ]["accessibility"]
    assert access["minContrastRatio"] >= 7.0 and access["dialect"] == "CANTONESE"
    assert elder_gql(VIEWER)["data"]["viewer"]["accessibility"]["dialect"] == "CANTONESE"


@pytest.mark.parametrize("scale", [0.5, 0.99, 2.01, 3])
def test_font_scale_outside_1_to_2_is_refused(elder_gql, scale):
    payload = elder_gql(UPDATE, {"input": {"fontScale": scale}})["data"]["updateAccessibility"]
    assert payload["errors"][0]["code"] == "INVALID" and payload["errors"][0]["field"] == "fontScale"
    assert payload["errors"][0]["readAloudText"]
    assert elder_gql(VIEWER)["data"]["viewer"]["accessibility"]["fontScale"] == 1.0


def test_anonymous_cannot_update(gql):
    assert error_codes(gql(UPDATE, {"input": {"elderMode": True}})) == ["UNAUTHENTICATED"]
