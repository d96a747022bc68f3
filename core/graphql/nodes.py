"""Relay `node(id:)` for types built from models by hand: resolved through the viewer's scope, so a
foreign id answers null exactly like a missing one."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet


def nodes_in_scope(
    queryset: QuerySet, node_ids: Iterable[str], *, build: Callable[[Any], Any], required: bool = False
) -> list:
    """The objects of `node_ids`, in that order, built with `build`; None where out of scope."""
    wanted = []
    for node_id in node_ids:
        try:
            wanted.append(int(node_id))
        except (TypeError, ValueError):
            wanted.append(None)
    found = {obj.pk: obj for obj in queryset.filter(pk__in=[pk for pk in wanted if pk is not None])}
    results = [build(found[pk]) if pk in found else None for pk in wanted]
    if required and any(result is None for result in results):
        from core.graphql.errors import NotFound

        raise NotFound()
    return results


def pin_node_id_attrs(schema) -> None:
    """Remember, once, which attribute holds each Node type's id.

    strawberry's `Node.resolve_id_attr` caches its answer only when a field is annotated `NodeID`;
    strawberry-django's model types have none (their id is the primary key), so the lookup fails,
    strawberry-django falls back to "pk", nothing is cached, and every `id` in every response
    re-evaluated all of the type's annotations (3% of a policy list's CPU).
    """
    from strawberry import relay
    from strawberry.relay.exceptions import NodeIDAnnotationError
    from strawberry.types.base import StrawberryObjectDefinition

    for graphql_type in schema.schema_converter.type_map.values():
        definition = getattr(graphql_type, "definition", None)
        origin = getattr(definition, "origin", None)
        if (
            isinstance(definition, StrawberryObjectDefinition)
            and isinstance(origin, type)
            and issubclass(origin, relay.Node)
            and origin is not relay.Node
            and not origin.__dict__.get("_id_attr")
        ):
            try:
                origin._id_attr = origin.resolve_id_attr()
            except NodeIDAnnotationError:  # a hand-made type resolving its ids itself
                continue
