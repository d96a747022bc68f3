"""Personal numbers (ID numbers, bank accounts) encrypted at rest, with keys from the environment.

FIELD_ENCRYPTION_KEYS holds Fernet keys, newest first: values are written with the first and read
with any (MultiFernet), so a key is rotated by prepending a new one and re-saving. Encrypted values
differ every time, so equality lookups and uniqueness use a keyed digest (HMAC-SHA256) kept beside
the value, computed by `DigestField` whenever the row is saved (bulk_create included).
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"  # marks stored ciphertext (and lets a migration tell it from plaintext)


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(key) for key in keys])


@functools.cache
def _digest_key(first_key: str) -> bytes:
    # A key of its own for digests, derived from the encryption key: neither reveals the other.
    return hmac.new(first_key.encode(), b"nuanxin.field-digest", hashlib.sha256).digest()


def keys() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(value: str) -> str:
    return PREFIX + _fernet(keys()).encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption (a migration encrypts these)
    try:
        return _fernet(keys()).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("an encrypted field cannot be read with FIELD_ENCRYPTION_KEYS") from exc


def keyed_digest(value: str | None) -> str:
    if not value:
        return ""
    return hmac.new(_digest_key(keys()[0]), value.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A short string stored encrypted; `max_length` is checked on the plaintext by validators."""

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def get_lookup(self, lookup_name):
        # Ciphertext never equals a fresh encryption: filter on the row's DigestField instead.
        if lookup_name != "isnull":
            from django.core.exceptions import FieldError

            raise FieldError(f"{self.name} is encrypted: look it up by its digest (core.crypto.keyed_digest)")
        return super().get_lookup(lookup_name)

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, "") or str(value).startswith(PREFIX):
            return value
        return encrypt(str(value))

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(max_length=self.plain_max_length, **{**kwargs, "widget": forms.TextInput})


class DigestField(models.CharField):
    """The keyed digest of another field of the row, recomputed on every save."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = keyed_digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def encrypt_existing_rows(model_label: str, field: str):
    """A migration step: rows written before encryption get their number encrypted and its digest
    (`<field>_digest`), in batches."""

    def run(apps, schema_editor):
        model = apps.get_model(*model_label.split("."))
        batch = []
        for obj in model.objects.only("pk", field).iterator(chunk_size=2000):
            setattr(obj, f"{field}_digest", keyed_digest(getattr(obj, field)))
            batch.append(obj)
            if len(batch) == 2000:
                model.objects.bulk_update(batch, [field, f"{field}_digest"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, [field, f"{field}_digest"])

    return run
