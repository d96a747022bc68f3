"""Resolving client-sent conversation ids through the viewer's scope (selectors): what the viewer
may not see or touch looks missing."""

from strawberry.types import Info

from chat import models, selectors
from core.errors import ServiceError
from core.graphql.errors import NotFound
from core.graphql.ids import not_found, pk_of


def _conversation(
    info: Info, gid, field: str = "conversationId", *, act: bool = False
) -> models.Conversation:
    scope = selectors.conversation_scope_to_act if act else selectors.conversation_scope
    qs = scope(models.Conversation.objects.select_related("customer"), viewer=info.context.viewer)
    conversation = qs.filter(pk=pk_of(gid, type_name="Conversation", field=field)).first()
    if conversation is None:
        raise not_found(field)
    return conversation


def _conversation_or_404(info: Info, gid) -> models.Conversation:
    try:
        return _conversation(info, gid)
    except ServiceError as exc:
        raise NotFound() from exc


def _colleague_pk(gid) -> int:
    # Colleague ids; the viewer ids a console kept from before Colleague was a node still work.
    try:
        return pk_of(gid, type_name="Colleague", field="toStaffId")
    except ServiceError:
        return pk_of(gid, type_name="Viewer", field="toStaffId")


def _sender_kind(viewer) -> str:
    return models.SenderKind.STAFF if selectors.is_staff(viewer) else models.SenderKind.CUSTOMER
