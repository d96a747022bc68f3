"""Presentation hints derived from the profile.

Elder mode follows the MIIT elder-friendly app rules (main text >= 18 dp, largest text >= 30 dp,
line spacing >= 1.3, contrast >= 4.5:1, touch targets >= 60 dp, no marketing); the font scale
(1.0 to 2.0) lets text grow to 200% as WCAG 2.2 (1.4.4) asks, and targets grow with it.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from .models import AccessibilityProfile

STANDARD = {
    "min_font": 14,
    "max_font": 24,
    "line_spacing": Decimal("1.2"),
    "touch": 48,
    "contrast": Decimal("4.5"),
}
ELDER = {
    "min_font": 18,
    "max_font": 30,
    "line_spacing": Decimal("1.5"),
    "touch": 60,
    "contrast": Decimal("4.5"),
}
HIGH_CONTRAST = Decimal("7.0")  # WCAG 1.4.6 enhanced contrast


@dataclass(frozen=True)
class Hints:
    min_font_size_dp: int
    max_font_size_dp: int
    line_spacing: Decimal
    min_touch_target_dp: int
    min_contrast_ratio: Decimal
    hide_marketing: bool


def presentation_hints(profile: AccessibilityProfile) -> Hints:
    base = ELDER if profile.elder_mode else STANDARD
    scale = Decimal(profile.font_scale)
    return Hints(
        min_font_size_dp=math.ceil(base["min_font"] * scale),
        max_font_size_dp=math.ceil(base["max_font"] * scale),
        line_spacing=base["line_spacing"],
        # Bigger text needs bigger targets; never below the mode's floor.
        min_touch_target_dp=max(base["touch"], math.ceil(base["touch"] * (1 + (scale - 1) / 2))),
        min_contrast_ratio=HIGH_CONTRAST if profile.high_contrast else base["contrast"],
        hide_marketing=profile.elder_mode or profile.hide_marketing,
    )
