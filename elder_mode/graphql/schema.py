"""Elder mode operations: updateAccessibility, riskNotices, setTrustedContact."""

import strawberry
from strawberry.types import Info

from accounts.models import Role
from core.graphql.errors import UserError, returns_user_errors
from core.graphql.permissions import IsAuthenticated, has_role
from elder_mode import services
from elder_mode.selectors import customer_is_elderly

from .types import (
    AccessibilityType,
    DialectEnum,
    RiskChallengeType,
    RiskNoticeType,
    RiskOperationEnum,
    TrustedContactType,
)

CustomerOnly = has_role(Role.CUSTOMER)


@strawberry.input
class UpdateAccessibilityInput:
    elder_mode: bool | None = None
    font_scale: float | None = strawberry.field(default=None, description="1.0 to 2.0 (WCAG: text to 200%).")
    high_contrast: bool | None = None
    read_aloud: bool | None = None
    hide_marketing: bool | None = None
    dialect: DialectEnum | None = None


@strawberry.type
class UpdateAccessibilityPayload:
    accessibility: AccessibilityType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SetTrustedContactInput:
    name: str
    phone: str


@strawberry.type
class SetTrustedContactPayload:
    trusted_contact: TrustedContactType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.field(
        permission_classes=[CustomerOnly], description="Anti-fraud notices to read before money moves."
    )
    def risk_notices(self, info: Info, operation: RiskOperationEnum) -> RiskChallengeType:
        viewer = info.context.require_viewer()
        challenge = services.risk_challenge_issue(user=viewer, operation=operation.value)
        return RiskChallengeType(
            challenge_id=strawberry.ID(str(challenge.pk)),
            operation=operation,
            notices=[RiskNoticeType.from_model(n) for n in challenge.notices.order_by("order", "pk")],
            issued_at=challenge.issued_at,
            min_read_seconds=challenge.min_read_seconds,
            expires_at=challenge.expires_at,
            required=customer_is_elderly(viewer.customer),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(UpdateAccessibilityPayload)
    def update_accessibility(self, info: Info, input: UpdateAccessibilityInput) -> UpdateAccessibilityPayload:
        viewer = info.context.require_viewer()
        profile = services.accessibility_update(
            user=viewer,
            elder_mode=input.elder_mode,
            font_scale=input.font_scale,
            high_contrast=input.high_contrast,
            read_aloud=input.read_aloud,
            hide_marketing=input.hide_marketing,
            dialect=input.dialect.value if input.dialect is not None else None,
        )
        return UpdateAccessibilityPayload(accessibility=AccessibilityType.for_user(viewer, profile))

    @strawberry.mutation(
        permission_classes=[CustomerOnly], description="Someone told by SMS when a payout is held."
    )
    @returns_user_errors(SetTrustedContactPayload)
    def set_trusted_contact(self, info: Info, input: SetTrustedContactInput) -> SetTrustedContactPayload:
        contact = services.trusted_contact_set(
            customer=info.context.require_viewer().customer, name=input.name[:128], phone=input.phone[:32]
        )
        return SetTrustedContactPayload(trusted_contact=TrustedContactType.from_model(contact))
