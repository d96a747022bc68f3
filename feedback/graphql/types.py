"""The voice of the customer's GraphQL types: surveys and the service scoreboard."""

from datetime import datetime

import strawberry
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info

from accounts.models import Role
from core.graphql.nodes import nodes_in_scope
from core.graphql.permissions import has_role
from core.speech import speakable
from elder_mode.presentation import presentation_hints
from elder_mode.selectors import accessibility_for
from feedback import models, selectors
from feedback.services.surveys import survey_title

CustomerOnly = has_role(Role.CUSTOMER)
StaffOnly = has_role(Role.STAFF, Role.ADMIN)

TouchpointEnum = strawberry.enum(models.Touchpoint, name="Touchpoint")
QuestionEnum = strawberry.enum(models.Question, name="SurveyQuestionCode")
SurveyStatusEnum = strawberry.enum(models.SurveyStatus, name="SurveyStatus")

# The scale of each question: what the app draws as buttons.
SCALES = {models.Question.NPS: (0, 10), models.Question.CSAT: (1, 5), models.Question.COMMENT: (None, None)}
# The subject of a survey as a Node type (a survey after a callback is about a Task, which
# customers do not see: it has no subjectId for them).
SUBJECT_NODE = {"ServicingRequest": "ServicingRequest", "Conversation": "Conversation"}


@strawberry.type(name="SurveyQuestion", description="One question, in the reader's language.")
class SurveyQuestionType:
    code: QuestionEnum
    text: str
    read_aloud_text: str
    min_score: int | None = strawberry.field(description="The lowest score (null for the comment).")
    max_score: int | None = strawberry.field(description="The highest score (null for the comment).")


@strawberry.type(name="SurveyHints", description="How to show the survey to this customer (elder mode).")
class SurveyHintsType:
    big_buttons: bool = strawberry.field(description="One large button per score (elder mode).")
    min_touch_target_dp: int
    min_font_size_dp: int
    read_aloud: bool = strawberry.field(description="Read the questions aloud as the survey opens.")


@strawberry.type(name="Survey", description="A short survey after something we did for the customer.")
class SurveyType(relay.Node):
    id: relay.NodeID[int]
    touchpoint: TouchpointEnum
    status: SurveyStatusEnum
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    nps: int | None
    csat: int | None
    comment: str
    _model: strawberry.Private[models.Survey]

    @strawberry.field(description="The survey's heading, in the reader's language.")
    def title(self) -> str:
        return survey_title(self._model.touchpoint)

    @strawberry.field(
        description="What the survey is about (a request or a chat), when the customer can open it."
    )
    def subject_id(self) -> relay.GlobalID | None:
        node = SUBJECT_NODE.get(self._model.subject_type)
        return relay.GlobalID(node, str(self._model.subject_id)) if node else None

    @strawberry.field(
        description="What the survey is about (a ServicingRequest or Conversation) through its own access "
        "rules; null when the reader may not open it (a survey after a callback is about staff work)."
    )
    def subject(self, info: Info) -> relay.Node | None:
        node = SUBJECT_NODE.get(self._model.subject_type)
        definition = info.schema.get_type_by_name(node) if node else None
        if definition is None:
            return None
        found = definition.origin.resolve_nodes(
            info=info, node_ids=[str(self._model.subject_id)], required=False
        )
        return next(iter(found), None)

    @strawberry.field
    def questions(self) -> list[SurveyQuestionType]:
        out = []
        for code in self._model.questions:
            question = models.Question(code)
            low, high = SCALES[question]
            text = str(question.label)
            out.append(
                SurveyQuestionType(
                    code=question, text=text, read_aloud_text=speakable(text), min_score=low, max_score=high
                )
            )
        return out

    @strawberry.field(description="The heading and the questions as a speech engine should say them.")
    def read_aloud_text(self) -> str:
        text = " ".join(
            [
                survey_title(self._model.touchpoint),
                *(str(models.Question(c).label) for c in self._model.questions),
            ]
        )
        return speakable(text)

    @strawberry.field
    def hints(self) -> SurveyHintsType:
        profile = accessibility_for(self._model.customer.user)
        hints = presentation_hints(profile)
        return SurveyHintsType(
            big_buttons=profile.elder_mode,
            min_touch_target_dp=hints.min_touch_target_dp,
            min_font_size_dp=hints.min_font_size_dp,
            read_aloud=profile.read_aloud or profile.elder_mode,
        )

    @classmethod
    def from_model(cls, s: models.Survey) -> "SurveyType":
        return cls(
            id=s.pk,
            touchpoint=models.Touchpoint(s.touchpoint),
            status=models.SurveyStatus(s.status),
            created_at=s.created_at,
            expires_at=s.expires_at,
            answered_at=s.answered_at,
            nps=s.nps,
            csat=s.csat,
            comment=s.comment,
            _model=s,
        )

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False):
        visible = selectors.survey_scope(
            models.Survey.objects.select_related("customer__user__accessibility"),
            viewer=info.context.viewer,
            now=timezone.now(),
        )
        return nodes_in_scope(visible, node_ids, build=cls.from_model, required=required)


@strawberry.type(
    name="ServiceMetrics", description="The service scoreboard for a period, computed from the records."
)
class ServiceMetricsType:
    automation_rate: float | None = strawberry.field(
        description="Requests decided without a person ÷ all decided (a request routed to a person is not automated)."
    )
    median_decision_seconds: float | None = strawberry.field(
        description="Submitted → decided, automated requests."
    )
    online_service_share: float | None = strawberry.field(
        description="Requests made in the apps ÷ all requests (counter requests entered by staff included)."
    )
    first_contact_resolution_rate: float | None = strawberry.field(
        description="Closed chats whose customer did not come back on the same topic within 48 h."
    )
    bot_containment_rate: float | None = strawberry.field(
        description="Chats closed without a person ÷ all closed."
    )
    human_connect_rate: float | None = strawberry.field(
        description="Chats queued for a person that reached one ÷ queued."
    )
    median_human_wait_seconds: float | None = strawberry.field(description="Queued → a person took it.")
    csat: float | None = strawberry.field(description="Share of CSAT answers that are 4 or 5.")
    nps: float | None = strawberry.field(description="% of NPS answers 9–10 minus % 0–6.")
    follow_up_within_sla_rate: float | None = strawberry.field(
        description="Follow-ups of unhappy customers a person acted on within their SLA."
    )
    median_follow_up_first_action_seconds: float | None = strawberry.field(
        description="From a negative answer to a person's first action on its follow-up."
    )
    surveys_sent: int
    surveys_answered: int
    e_callback_rate: float | None = strawberry.field(
        description="New-policy callbacks done in the app ÷ all."
    )
    from_date: str = strawberry.field(description="First business day of the period.")
    to_date: str = strawberry.field(description="Last business day of the period.")
