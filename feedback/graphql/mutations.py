"""Answering a survey."""

import strawberry
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info

from core.graphql.errors import UserError, returns_user_errors
from core.graphql.ids import not_found, pk_of
from core.graphql.resolvers import orm_resolver
from feedback import models, selectors
from feedback.services import surveys

from .types import CustomerOnly, SurveyType


@strawberry.input
class AnswerSurveyInput:
    survey_id: relay.GlobalID
    nps: int | None = strawberry.field(default=None, description="0 to 10: how likely to recommend us.")
    csat: int | None = strawberry.field(default=None, description="1 to 5: how satisfied with this service.")
    comment: str | None = strawberry.field(default=None, description="Anything else (1,000 characters).")


@strawberry.type
class AnswerSurveyPayload:
    survey: SurveyType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[CustomerOnly],
        description="Answer a survey, once; an expired or foreign survey answers NOT_FOUND.",
    )
    @orm_resolver
    @returns_user_errors(AnswerSurveyPayload)
    def answer_survey(self, info: Info, input: AnswerSurveyInput) -> AnswerSurveyPayload:
        pk = pk_of(input.survey_id, type_name="Survey", field="surveyId")
        visible = selectors.survey_scope(
            models.Survey.objects.filter(status=models.SurveyStatus.PENDING),
            viewer=info.context.viewer,
            now=timezone.now(),
        )
        survey = visible.filter(pk=pk).first()
        if survey is None:
            raise not_found("surveyId")
        answered = surveys.survey_answer(survey=survey, nps=input.nps, csat=input.csat, comment=input.comment)
        fresh = models.Survey.objects.select_related("customer__user__accessibility").get(pk=answered.pk)
        return AnswerSurveyPayload(survey=SurveyType.from_model(fresh))
