"""Persisted operations: with GRAPHQL_PERSISTED_ONLY on, the mobile apps run only documents registered
by hash. A request may send the hash alone (`extensions.persistedQuery.sha256Hash`, as Apollo's
clients do) or the document text, whose hash must then be registered. Staff (the workbench) and
anonymous callers that are not the apps are not bound by it; customers and agents always are."""

import hashlib
import time

from cross_web import HTTPException
from django.conf import settings
from django.utils.translation import gettext as _

# The apps say who they are; a customer's or agent's token says it anyway.
APP_CLIENTS = ("customer-app", "agent-app")
APP_ROLES = ("CUSTOMER", "AGENT")
_CACHE_SECONDS = 60
_cache: dict[str, tuple[float, str | None]] = {}


def document_hash(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def registered_document(sha256: str) -> str | None:
    """The registered document of a hash, remembered for a minute (a new registration shows within it)."""
    now = time.monotonic()
    hit = _cache.get(sha256)
    if hit is not None and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    from core.models import PersistedOperation

    document = PersistedOperation.objects.filter(sha256=sha256).values_list("document", flat=True).first()
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[sha256] = (now, document)
    return document


def cache_clear() -> None:
    _cache.clear()


def not_registered_message() -> str:
    # Apollo's clients recognise the first word; people read the rest.
    return "PersistedQueryNotFound: " + _(
        "This version of the app may not run this request; please update the app."
    )


def viewer_bound(viewer) -> bool:
    return viewer is not None and viewer.role in APP_ROLES


def _bound(request, context) -> bool:
    if request.headers.get("X-Nuanxin-Client", "") in APP_CLIENTS:
        return True
    return viewer_bound(context.viewer if context is not None else None)


def resolve(data, request, context):
    """Fill in the document of a hash-only request; under the allowlist, refuse what is not registered."""
    extensions = data.extensions if isinstance(data.extensions, dict) else {}
    persisted = extensions.get("persistedQuery")
    sha256 = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if isinstance(sha256, str):
        document = registered_document(sha256[:64])
        if document is None:
            raise HTTPException(400, not_registered_message())
        if data.query and document_hash(data.query) != sha256:
            raise HTTPException(400, _("The request's document does not match its hash."))
        data.query = document
        return data
    if (
        settings.GRAPHQL_PERSISTED_ONLY
        and _bound(request, context)
        and not (isinstance(data.query, str) and registered_document(document_hash(data.query)) is not None)
    ):
        raise HTTPException(400, not_registered_message())
    return data
