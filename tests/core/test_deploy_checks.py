"""Production refuses console messaging (deploy checks with ids), and one-time codes are printed only
by `make run`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.sms import ConsoleSmsBackend

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "test-" + "k" * 60,
    "ALLOWED_HOSTS": "api.nuanxin.example",
    # `check --deploy` connects to neither.
    "DATABASE_URL": "postgres://nuanxin@db.internal:5432/nuanxin",
    "REDIS_URL": "redis://cache.internal:6379/0",
}
PROVIDERS = {
    "FIELD_ENCRYPTION_KEYS": "tBQ7IaoMfjcMEoFOUr5Qe3TLD3PIB9jzyuy6MYc6rjk=",
    "SMS_BACKEND": "accounts.sms.HttpSmsBackend",
    "SMS_PROVIDER_URL": "https://sms.provider.example/send",
    "FIREBASE_CREDENTIALS": "/etc/nuanxin/firebase.json",
}


def _check_deploy(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in (*PROVIDERS, "SMS_PROVIDER_URL")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("missing", "check_id"), [("SMS_BACKEND", "nuanxin.E001"), ("FIREBASE_CREDENTIALS", "nuanxin.E002")]
)
def test_production_refuses_console_messaging(missing, check_id):
    env = {
        k: v
        for k, v in PROVIDERS.items()
        if k != missing and not (missing == "SMS_BACKEND" and k == "SMS_PROVIDER_URL")
    }
    result = _check_deploy(**env)
    assert result.returncode != 0
    assert check_id in result.stderr + result.stdout


def test_production_refuses_to_start_without_field_encryption_keys():
    result = _check_deploy(**{k: v for k, v in PROVIDERS.items() if k != "FIELD_ENCRYPTION_KEYS"})
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("SECRET_KEY", "", "SECRET_KEY (a long random secret"),
        ("DATABASE_URL", "", "DATABASE_URL (PostgreSQL"),
        ("REDIS_URL", "", "REDIS_URL (Redis"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must point at PostgreSQL"),
    ],
)
def test_production_refuses_to_start_without_its_services(variable, value, says):
    result = _check_deploy(**{**PROVIDERS, variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and says in result.stderr


def test_production_with_providers_passes_the_deploy_checks():
    result = _check_deploy(**PROVIDERS)
    assert result.returncode == 0, result.stderr


def test_the_console_backend_hides_codes_outside_make_run(settings, capsys):
    settings.SMS_CONSOLE_SHOWS_CODES = False
    ConsoleSmsBackend().send(phone="13800000001", text="暖心验证码 123456，5分钟内有效。")
    out = capsys.readouterr().out
    assert "123456" not in out and "******" in out and "13800000001" not in out

    settings.SMS_CONSOLE_SHOWS_CODES = True
    ConsoleSmsBackend().send(phone="13800000001", text="暖心验证码 123456，5分钟内有效。")
    assert "123456" in capsys.readouterr().out


@pytest.mark.django_db
def test_every_periodic_job_is_installed_from_the_one_table_in_settings(settings):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.all().delete()
    call_command("migrate", verbosity=0)  # post_migrate installs what is missing

    installed = dict(PeriodicTask.objects.values_list("name", "task"))
    assert installed == {entry["name"]: entry["task"] for entry in settings.PERIODIC_TASKS}
    # an operator's change survives the next migrate
    PeriodicTask.objects.filter(name="Daily reminder scan").update(enabled=False)
    call_command("migrate", verbosity=0)
    assert PeriodicTask.objects.get(name="Daily reminder scan").enabled is False
