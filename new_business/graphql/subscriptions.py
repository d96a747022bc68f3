"""The application's progress, live: the stored lines first, then each new one."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from django.conf import settings
from django.utils import translation
from strawberry import relay
from strawberry.types import Info

from core.errors import ServiceError
from core.graphql.errors import NotFound
from core.graphql.ids import pk_of
from core.graphql.permissions import IsAuthenticated
from core.graphql.resolvers import db_async
from new_business import events, models, selectors

from .types import ApplicationProgressType


def _visible(info: Info, application_id: relay.GlobalID) -> int:
    try:
        pk = pk_of(application_id, type_name="Application", field="applicationId")
    except ServiceError as exc:
        raise NotFound() from exc
    qs = selectors.application_scope(models.Application.objects.filter(pk=pk), viewer=info.context.viewer)
    if not qs.exists():
        raise NotFound()
    return pk


def _steps(application_id: int, after_seq: int, before_seq: int | None = None) -> list:
    return list(
        selectors.steps_after(application_id=application_id, after_seq=after_seq, before_seq=before_seq)
    )


def _line(
    info: Info, *, seq: int, at: datetime, status: str, code: str, params: dict
) -> ApplicationProgressType:
    """A line in the connection's language (the app's, from connection_init or Accept-Language)."""
    with translation.override(getattr(info.context, "language", None) or settings.LANGUAGE_CODE):
        return ApplicationProgressType.build(seq=seq, at=at, status=status, code=code, params=params)


def _stored(info: Info, step) -> ApplicationProgressType:
    return _line(info, seq=step.seq, at=step.at, status=step.status, code=step.code, params=step.params)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Replays the progress after `afterSeq`, then streams each new step (agent and customer).",
    )
    async def application_events(
        self, info: Info, application_id: relay.GlobalID, after_seq: int = 0
    ) -> AsyncGenerator[ApplicationProgressType, None]:
        pk = await db_async(_visible)(info, application_id)
        ws = info.context.request
        # Listen first, then replay: nothing committed in between is lost, nothing is repeated.
        async with ws.listen_to_channel(events.CHANNEL_TYPE, groups=[events.application_group(pk)]) as live:
            last_seq = after_seq
            for step in await db_async(_steps)(pk, after_seq):
                last_seq = step.seq
                yield _stored(info, step)
            async for item in live:
                event = events.decode(item["event"])
                if not isinstance(event, events.ApplicationStepEvent) or event.seq <= last_seq:
                    continue
                if event.seq > last_seq + 1:
                    # A broadcast was lost or overtaken: the store fills the gap, in order.
                    for step in await db_async(_steps)(pk, last_seq, event.seq):
                        yield _stored(info, step)
                last_seq = event.seq
                yield _line(
                    info,
                    seq=event.seq,
                    at=datetime.fromisoformat(event.at),
                    status=event.status,
                    code=event.code,
                    params=event.params,
                )
