"""Log filters: every record carries the request id, and personal data never reaches a log line."""

import contextvars
import logging
import re

from .masking import mask_text

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# The signed-in user's id (never their name or phone), for the lines written while serving them.
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = user_id_var.get()
        return True


# Request ids we make (uuid hex, nginx's $request_id, "task-<uuid>"): kept whole in log lines, where
# the mask would otherwise take a long run of digits in one for a card number. Others are masked.
_OWN_ID = re.compile(r"^(?:task-)?[0-9a-f-]{32,36}$")
_ID_SLOT = "@@nuanxin-request-id@@"


def _masked_with_id(record: logging.LogRecord, render) -> str:
    """Mask the rendered line, the request id excepted when it is one of ours."""
    if not hasattr(record, "request_id"):
        record.request_id = request_id_var.get()
    request_id = str(record.request_id)
    if not _OWN_ID.match(request_id):
        return mask_text(render(record))
    record.request_id = _ID_SLOT
    try:
        return mask_text(render(record)).replace(_ID_SLOT, request_id)
    finally:
        record.request_id = request_id


class MaskingFormatter(logging.Formatter):
    """The last step before a line leaves the process: the whole formatted record, exception text
    and stack included, passes through the personal-data mask. Installed for every process (web,
    workers, beat, commands) by settings.LOGGING; Celery is told to keep it (config.celery_app)."""

    def format(self, record: logging.LogRecord) -> str:
        return _masked_with_id(record, super().format)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(MaskingFormatter):
    """One JSON object per line (LOG_FORMAT=json): time, level, logger, message, request id, user id
    and, on access lines, method, path, status, latency and GraphQL operation; masked like the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        from pythonjsonlogger.json import JsonFormatter as Base

        self._json = Base(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "user_id"):
            record.user_id = user_id_var.get()
        return _masked_with_id(record, self._json.format)
