"""GraphQL types of accounts: personal data leaves only masked."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from accounts import models, selectors
from core.graphql.fields import model_type
from core.masking import mask_phone

if TYPE_CHECKING:
    from elder_mode.graphql.types import AccessibilityType

RoleEnum = strawberry.enum(models.Role, name="Role")
GenderEnum = strawberry.enum(models.Gender, name="Gender")
PlatformEnum = strawberry.enum(models.Platform, name="Platform")
AppEnum = strawberry.enum(models.App, name="App")
OtpPurposeEnum = strawberry.enum(models.OtpPurpose, name="OtpPurpose")


@model_type(models.CustomerProfile, name="Customer")
class CustomerType(relay.Node):
    name: str
    birth_date: date

    @strawberry_django.field(only=["gender"])
    def gender(self) -> GenderEnum:
        return models.Gender(self.gender)

    @strawberry_django.field(
        only=["id_number"], description="National ID number, masked: 110***********1234."
    )
    def masked_id_number(self) -> str:
        return self.masked_id_number

    @strawberry_django.field(only=["user__phone"], select_related=["user"])
    def masked_phone(self) -> str:
        return mask_phone(self.user.phone)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.customer_scope(queryset, viewer=info.context.viewer)


@model_type(models.AgentProfile, name="Agent")
class AgentType(relay.Node):
    name: str
    agent_code: str
    branch: str

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.agent_scope(queryset, viewer=info.context.viewer)


@model_type(models.User, name="Viewer")
class ViewerType(relay.Node):
    display_name: str

    @strawberry_django.field(only=["role"])
    def role(self) -> RoleEnum:
        return models.Role(self.role)

    @strawberry_django.field(only=["phone"])
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @strawberry_django.field(description="The customer profile when the viewer is a customer.")
    def customer(self) -> CustomerType | None:
        return getattr(self, "customer", None)

    @strawberry_django.field(description="The agent profile when the viewer is an agent.")
    def agent(self) -> AgentType | None:
        return getattr(self, "agent", None)

    @strawberry_django.field(description="Elder mode and presentation hints for the apps.")
    def accessibility(self) -> Annotated["AccessibilityType", strawberry.lazy("elder_mode.graphql.types")]:
        # The viewer is the schema's hub: it shows elder mode's type without accounts depending on it.
        from elder_mode.graphql.types import AccessibilityType

        return AccessibilityType.for_user(self)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.user_scope(queryset, viewer=info.context.viewer)
