"""Run the reminder scan by hand for a business day."""

from datetime import date

from django.core.management.base import BaseCommand

from core.money import business_today
from reminders.services.scan import reminder_scan


class Command(BaseCommand):
    help = "Raise, resolve and expire reminders for a day (default today, Asia/Shanghai)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None)
        parser.add_argument("--no-push", action="store_true", help="do not push unpushed last stages")

    def handle(self, *args, date=None, no_push=False, **options):
        result = reminder_scan(day=date or business_today(), system_push=not no_push)
        self.stdout.write(
            f"raised {sum(result.created.values())} {result.created}; resolved {sum(result.resolved.values())}; "
            f"expired {result.expired}; pushed by the system {result.system_pushed}"
        )
