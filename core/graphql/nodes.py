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
