"""Resolving client-sent global ids through the viewer's scope: foreign ids look exactly like missing ones."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from strawberry import relay

from core.errors import ErrorCode, ServiceError


def not_found(field: str) -> ServiceError:
    return ServiceError(ErrorCode.NOT_FOUND, _("Not found."), field=field)


def pk_of(global_id: relay.GlobalID | str, *, type_name: str, field: str) -> int:
    try:
        gid = global_id if isinstance(global_id, relay.GlobalID) else relay.GlobalID.from_id(global_id)
        if gid.type_name != type_name:
            raise ValueError
        return int(gid.node_id)
    except (ValueError, TypeError):
        raise not_found(field) from None


def resolve_scoped(queryset: QuerySet, global_id, *, type_name: str, field: str, for_update: bool = False):
    obj = queryset.filter(pk=pk_of(global_id, type_name=type_name, field=field)).first()
    if obj is None:
        raise not_found(field)
    return obj
