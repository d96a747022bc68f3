"""Log filters: every record carries the request id, and personal data never reaches a log line."""

import contextvars
import logging

from .masking import mask_text

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class MaskingFormatter(logging.Formatter):
    """The last step before a line leaves the process: the whole formatted record, exception text
    and stack included, passes through the personal-data mask. Installed for every process (web,
    workers, beat, commands) by settings.LOGGING; Celery is told to keep it (config.celery_app)."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return mask_text(super().format(record))


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
