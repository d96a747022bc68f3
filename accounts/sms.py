"""SMS backends: a provider in production, the console in development, memory in tests."""

import logging
import re
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from core.masking import mask_phone

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Prints the message so a developer can log in without a provider. Only `make run` (local
    settings, SMS_CONSOLE_SHOWS_CODES) prints the digits; anywhere else they are hidden, and
    production refuses this backend altogether (deploy check nuanxin.E001)."""

    def send(self, *, phone: str, text: str) -> None:
        if not getattr(settings, "SMS_CONSOLE_SHOWS_CODES", False):
            text = re.sub(r"\d", "*", text)
        # Printed, not logged: the log filter would mask the phone and a developer needs the code.
        print(f"[sms to {mask_phone(phone)}] {text}", flush=True)


class HttpSmsBackend:
    """A provider reached over HTTPS: POST {phone, text} as JSON with a bearer key
    (SMS_PROVIDER_URL, SMS_PROVIDER_KEY). Providers differ; adapt `payload` to yours."""

    timeout = 10

    def payload(self, *, phone: str, text: str) -> dict:
        return {"phone": phone, "text": text}

    def send(self, *, phone: str, text: str) -> None:
        import requests

        response = requests.post(
            settings.SMS_PROVIDER_URL,
            json=self.payload(phone=phone, text=text),
            headers={"Authorization": f"Bearer {settings.SMS_PROVIDER_KEY}"},
            timeout=self.timeout,
        )
        response.raise_for_status()
        logger.info("sms sent to %s", mask_phone(phone))


class MemorySmsBackend:
    outbox: list[dict] = []

    def send(self, *, phone: str, text: str) -> None:
        self.outbox.append({"phone": phone, "text": text})


def sms_send(*, phone: str, text: str) -> None:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    backend.send(phone=phone, text=text)
