"""Text no field can store: NUL characters (PostgreSQL refuses them) and unpaired UTF-16 surrogates
(they cannot be encoded). Refused at the edge as BAD_USER_INPUT, for every string a client sends:
variables by the transports (HTTP view, websocket handler), literals in the document by a
validation rule."""

import re

from graphql import GraphQLError
from graphql.language import StringValueNode
from graphql.validation import ValidationRule

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
UNSAFE_TEXT = "A string contains a NUL character or an unpaired surrogate."


def unsafe_text(value) -> bool:
    """Whether any string in `value` (nested in dicts and lists) cannot be stored."""
    if isinstance(value, str):
        return _UNSAFE.search(value) is not None
    if isinstance(value, dict):
        return any(unsafe_text(key) or unsafe_text(item) for key, item in value.items())
    if isinstance(value, list):
        return any(unsafe_text(item) for item in value)
    return False


class SafeTextRule(ValidationRule):
    def enter_string_value(self, node: StringValueNode, *_args) -> None:
        if _UNSAFE.search(node.value):
            self.report_error(GraphQLError(UNSAFE_TEXT, node))
