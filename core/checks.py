"""Deploy checks (`manage.py check --deploy`) for what must never run in production: messages that
go to a console instead of a provider (one-time codes would be written to the log)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

CONSOLE_SMS = ("accounts.sms.ConsoleSmsBackend", "accounts.sms.MemorySmsBackend")


@register(Tags.security, deploy=True)
def messaging_providers_configured(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    if settings.SMS_BACKEND in CONSOLE_SMS:
        errors.append(
            Error(
                "SMS_BACKEND is a console or memory backend: one-time codes would be printed, not sent.",
                hint="Set SMS_BACKEND to a provider backend, e.g. accounts.sms.HttpSmsBackend with SMS_PROVIDER_URL.",
                id="nuanxin.E001",
            )
        )
    if not settings.FIREBASE_CREDENTIALS:
        errors.append(
            Error(
                "FIREBASE_CREDENTIALS is not set: pushes would go to the console backend, not to phones.",
                hint="Point FIREBASE_CREDENTIALS at the service-account JSON file.",
                id="nuanxin.E002",
            )
        )
    if not settings.FIELD_ENCRYPTION_KEYS:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS is not set: ID and bank account numbers cannot be encrypted at rest.",
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
                id="nuanxin.E003",
            )
        )
    return errors
