"""New business in GraphQL: products on sale, applications with their progress, e-callbacks."""

from datetime import datetime
from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import Prefetch
from django.utils.translation import get_language
from strawberry import relay
from strawberry.types import Info

from accounts.models import Role
from core.graphql.fields import model_type
from core.graphql.permissions import has_role
from core.masking import mask_name
from core.speech import speakable
from new_business import models, selectors
from new_business.services.progress import reasons_text, step_text
from policies.graphql.types import FrequencyEnum, PolicyType, ProductKindEnum, ProductType
from policies.models import Frequency, ProductKind
from policies.selectors import policy_visible

AgentOnly = has_role(Role.AGENT)
CustomerOnly = has_role(Role.CUSTOMER)

ApplicationStatusEnum = strawberry.enum(models.ApplicationStatus, name="ApplicationStatus")
CallbackQuestionEnum = strawberry.enum(models.CallbackQuestion, name="PolicyCallbackQuestion")


def _english() -> bool:
    return (get_language() or "").startswith("en")


@strawberry.type(name="UnderwritingQuestion", description="A yes/no health question of a product.")
class UnderwritingQuestionType:
    code: str
    text: str
    read_aloud_text: str

    @classmethod
    def from_model(cls, question: models.HealthQuestion) -> "UnderwritingQuestionType":
        text = question.text_en if _english() else question.text_zh
        return cls(
            code=question.code, text=text, read_aloud_text=speakable(text, get_language() or "zh-hans")
        )


@strawberry.type(
    name="SaleProduct", description="A product the agent may sell, with its limits and questionnaire."
)
class SaleProductType:
    code: str
    name: str
    kind: ProductKindEnum
    min_sum_assured: Decimal
    max_sum_assured: Decimal
    sum_assured_step: Decimal
    min_age: int
    max_age: int
    term_years_options: list[int]
    frequencies: list[FrequencyEnum]
    underwriting_questions: list[UnderwritingQuestionType]

    @classmethod
    def from_model(cls, terms: models.SaleTerms, questions: list) -> "SaleProductType":
        product = terms.product
        return cls(
            code=product.code,
            name=product.name_en if _english() else product.name_zh,
            kind=ProductKind(product.kind),
            min_sum_assured=terms.min_sum_assured,
            max_sum_assured=terms.max_sum_assured,
            sum_assured_step=terms.sum_assured_step,
            min_age=terms.min_age,
            max_age=terms.max_age,
            term_years_options=list(terms.term_years_options),
            frequencies=[Frequency(f) for f in terms.frequencies],
            underwriting_questions=[UnderwritingQuestionType.from_model(q) for q in questions],
        )


@strawberry.type(name="ApplicationProgress", description="One line of an application's progress.")
class ApplicationProgressType:
    seq: int
    at: datetime
    status: ApplicationStatusEnum
    text: str = strawberry.field(description="For people, in the reader's language.")
    read_aloud_text: str

    @classmethod
    def build(
        cls, *, seq: int, at: datetime, status: str, code: str, params: dict
    ) -> "ApplicationProgressType":
        text = step_text(code, params)
        return cls(
            seq=seq,
            at=at,
            status=models.ApplicationStatus(status),
            text=text,
            read_aloud_text=speakable(text, get_language() or "zh-hans"),
        )


@strawberry.type(name="HealthAnswer")
class HealthAnswerType:
    code: str
    text: str
    yes: bool


def _steps(info) -> Prefetch:
    return Prefetch("steps", queryset=models.ApplicationStep.objects.order_by("seq"), to_attr="step_rows")


@model_type(models.Application, name="Application")
class ApplicationType(relay.Node):
    number: str
    product: ProductType
    sum_assured: Decimal
    term_years: int
    age_at_entry: int
    premium: Decimal = strawberry_django.field(description="Each instalment, computed from the rate table.")
    annual_premium: Decimal
    submitted_at: datetime
    decided_at: datetime | None
    issued_at: datetime | None
    decision_note: str

    status: ApplicationStatusEnum

    frequency: FrequencyEnum

    @strawberry_django.field(
        only=["customer__name"], select_related=["customer"], description="Masked (the surname only)."
    )
    def customer_masked_name(self) -> str:
        return mask_name(self.customer.name)

    @strawberry_django.field(prefetch_related=[_steps], description="Every step so far, oldest first.")
    def progress(self) -> list[ApplicationProgressType]:
        rows = getattr(self, "step_rows", None)
        if rows is None:
            rows = list(self.steps.order_by("seq"))
        return [
            ApplicationProgressType.build(seq=s.seq, at=s.at, status=s.status, code=s.code, params=s.params)
            for s in rows
        ]

    @strawberry_django.field(only=["underwriting_reasons"], description="Why a person underwrites it.")
    def underwriting_reasons(self) -> list[str]:
        return [reasons_text([code]) for code in self.underwriting_reasons]

    @strawberry_django.field(
        only=["status", "payment_started_at"], description="The first premium is being collected."
    )
    def payment_in_progress(self) -> bool:
        return (
            self.status == models.ApplicationStatus.AWAITING_PAYMENT and self.payment_started_at is not None
        )

    @strawberry_django.field(
        only=["health_answers", "product_id"], prefetch_related=["product__health_questions"]
    )
    def health_answers(self) -> list[HealthAnswerType]:
        # Prefetched with the page: a list of applications asks for the questions once.
        questions = {q.code: q for q in self.product.health_questions.all()}
        out = []
        for answer in self.health_answers:
            question = questions.get(answer["code"])
            text = (question.text_en if _english() else question.text_zh) if question else answer["code"]
            out.append(HealthAnswerType(code=answer["code"], text=text, yes=answer["yes"]))
        return out

    @strawberry_django.field(
        select_related=["policy"], description="The policy once issued, when the reader may see it."
    )
    def policy(self, info: Info) -> PolicyType | None:
        if self.policy is None or not policy_visible(self.policy, viewer=info.context.viewer):
            return None
        return self.policy

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.application_scope(queryset, viewer=info.context.viewer)


@strawberry.type(name="PolicyCallbackQuestionItem")
class PolicyCallbackQuestionType:
    code: CallbackQuestionEnum
    text: str
    read_aloud_text: str


@model_type(models.PolicyCallback, name="PolicyCallback")
class PolicyCallbackType(relay.Node):
    due_at: datetime
    created_at: datetime

    @strawberry_django.field(only=["policy_id"])
    def policy(self, info: Info) -> PolicyType | None:
        found = PolicyType.resolve_nodes(info=info, node_ids=[str(self.policy_id)], required=False)
        return next(iter(found), None)

    @strawberry.field(description="Answer each with yes or no; any no brings a call from us.")
    def questions(self) -> list[PolicyCallbackQuestionType]:
        language = get_language() or "zh-hans"
        return [
            PolicyCallbackQuestionType(
                code=models.CallbackQuestion(code),
                text=str(label),
                read_aloud_text=speakable(str(label), language),
            )
            for code, label in models.CallbackQuestion.choices
        ]

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return selectors.callback_scope(queryset, viewer=info.context.viewer)
