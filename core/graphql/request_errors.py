"""Request errors (parse, validation, variables) in the client's language.

graphql-core writes them in English for developers; a Chinese app shows `message` to its user, so
the message is a translated sentence naming the field at fault, and the original English stays in
`extensions.detail` for the developer.
"""

import re

from django.utils.translation import gettext as _

from .safe_text import UNSAFE_TEXT

_VARIABLE = re.compile(
    r"^Variable '\$(?P<name>\w+)' (?:got|has) invalid value(?: at '?\.?(?P<path>[\w.\[\]]+)'?)?"
)
_OUR_REASON = re.compile(r"encountered error '(?P<reason>[^']+)'")
_REQUIRED_FIELD = re.compile(r"to include required field '(?P<field>\w+)'")
_REQUIRED_ARGUMENT = re.compile(r"argument '(?P<field>\w+)' of type '[^']+' is required")
_EXPECTED_TYPE = re.compile(r"^Expected value of type '(?P<type>[^']+)'")


def translated_request_error(message: str) -> str:
    """A sentence for the app's user; `message` is graphql-core's English."""
    if message.startswith(UNSAFE_TEXT):
        return _("The request contains characters that cannot be stored (a NUL or a broken character).")
    if message.startswith("Bad paging arguments."):
        return _("Page with first or last from 0 to 100, and cursors this list gave.")
    if message.startswith("Syntax Error"):
        return _("The request could not be read (a syntax error).")
    if message.startswith("Must provide operation name"):
        return _("The document has several operations: say which one with operationName.")
    if message.startswith("Unknown operation named"):
        return _("The document has no operation of that name.")
    if found := _VARIABLE.match(message):
        where = ".".join(part for part in (found["name"], found["path"]) if part)
        reason = _OUR_REASON.search(message)
        # Our scalars' own reasons ("金额无效。") are already in the client's language.
        if reason:
            return _("The value of %(field)s is not valid: %(reason)s") % {
                "field": where,
                "reason": reason["reason"],
            }
        return _("The value of %(field)s is not valid.") % {"field": where}
    if found := _REQUIRED_FIELD.search(message) or _REQUIRED_ARGUMENT.search(message):
        return _("%(field)s is required.") % {"field": found["field"]}
    if _EXPECTED_TYPE.match(message):
        return _("A value in the request has the wrong type.")
    if message.startswith("Cannot query field") or message.startswith("Unknown argument"):
        return _("The request asks for something the API does not have.")
    if message.startswith("Operation cost"):
        return _("The request asks for too much at once: ask for fewer items or fields per page.")
    if "exceeds maximum operation depth" in message:
        return _("The request is nested too deeply.")
    if "aliases" in message.lower() and "max" in message.lower():
        return _("The request uses too many aliases.")
    if "token" in message.lower() and "exceed" in message.lower():
        return _("The request is too long.")
    return _("The request is not valid.")
