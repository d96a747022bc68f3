"""GraphQL types of elder mode: the accessibility profile with its hints, and risk notices."""

from datetime import datetime

import strawberry
from django.utils.translation import get_language
from strawberry import relay

from core.graphql.nodes import nodes_in_scope
from core.masking import mask_phone
from core.speech import speakable
from elder_mode import models, selectors
from elder_mode.presentation import presentation_hints
from elder_mode.selectors import accessibility_for, elder_mode_suggested

DialectEnum = strawberry.enum(models.Dialect, name="Dialect")
RiskOperationEnum = strawberry.enum(models.RiskOperation, name="RiskOperation")


def _english() -> bool:
    return (get_language() or "").startswith("en")


@strawberry.type(
    name="Accessibility", description="Elder-friendly settings and the presentation hints they imply."
)
class AccessibilityType:
    elder_mode: bool
    suggested: bool = strawberry.field(description="True from the customer's 60th birthday.")
    font_scale: float
    high_contrast: bool
    read_aloud: bool
    hide_marketing: bool
    dialect: DialectEnum
    min_font_size_dp: int
    max_font_size_dp: int
    line_spacing: float
    min_touch_target_dp: int
    min_contrast_ratio: float

    @classmethod
    def for_user(cls, user, profile: models.AccessibilityProfile | None = None) -> "AccessibilityType":
        profile = profile or accessibility_for(user)
        hints = presentation_hints(profile)
        return cls(
            elder_mode=profile.elder_mode,
            suggested=elder_mode_suggested(getattr(user, "customer", None)),
            font_scale=float(profile.font_scale),
            high_contrast=profile.high_contrast,
            read_aloud=profile.read_aloud,
            hide_marketing=hints.hide_marketing,
            dialect=models.Dialect(profile.dialect),
            min_font_size_dp=hints.min_font_size_dp,
            max_font_size_dp=hints.max_font_size_dp,
            line_spacing=float(hints.line_spacing),
            min_touch_target_dp=hints.min_touch_target_dp,
            min_contrast_ratio=float(hints.min_contrast_ratio),
        )


@strawberry.type(name="RiskNotice", description="An anti-fraud notice read before money moves.")
class RiskNoticeType(relay.Node):
    id: relay.NodeID[int]
    title: str
    body: str
    read_aloud_text: str

    @classmethod
    def resolve_nodes(cls, *, info, node_ids, required: bool = False):
        visible = selectors.risk_notice_scope(models.RiskNotice.objects.all(), viewer=info.context.viewer)
        return nodes_in_scope(visible, node_ids, build=cls.from_model, required=required)

    @classmethod
    def from_model(cls, notice: models.RiskNotice) -> "RiskNoticeType":
        english = _english()
        title = notice.title_en if english else notice.title_zh
        body = notice.body_en if english else notice.body_zh
        language = "en" if english else "zh-hans"
        return cls(
            id=notice.pk,
            title=title,
            body=body,
            read_aloud_text=speakable(f"{title}。{body}" if not english else f"{title}. {body}", language),
        )


@strawberry.type(
    name="RiskChallenge",
    description="Notices to read; acknowledge with `challengeId` after `minReadSeconds`.",
)
class RiskChallengeType:
    challenge_id: strawberry.ID
    operation: RiskOperationEnum
    notices: list[RiskNoticeType]
    issued_at: datetime
    min_read_seconds: int
    expires_at: datetime
    required: bool = strawberry.field(
        description="Whether this viewer must acknowledge before the operation."
    )


@strawberry.type(name="TrustedContact")
class TrustedContactType:
    name: str
    masked_phone: str

    @classmethod
    def from_model(cls, contact: models.TrustedContact) -> "TrustedContactType":
        return cls(name=contact.name, masked_phone=mask_phone(contact.phone))


@strawberry.input(description="The challenge of `riskNotices` the customer read.")
class RiskAcknowledgementInput:
    challenge_id: strawberry.ID
