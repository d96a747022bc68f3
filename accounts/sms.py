"""SMS backends: a provider in production, the console in development, memory in tests."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from core.masking import mask_phone

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Prints the message, code included, so a developer can log in without a provider."""

    def send(self, *, phone: str, text: str) -> None:
        # Printed, not logged: the log filter would mask the phone and a developer needs the code.
        print(f"[sms to {mask_phone(phone)}] {text}", flush=True)


class MemorySmsBackend:
    outbox: list[dict] = []

    def send(self, *, phone: str, text: str) -> None:
        self.outbox.append({"phone": phone, "text": text})


def sms_send(*, phone: str, text: str) -> None:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    backend.send(phone=phone, text=text)
