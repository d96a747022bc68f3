"""Run the daily policy jobs by hand, for today or a given business day."""

from datetime import date

from django.core.management.base import BaseCommand

from policies.services.jobs import policy_daily_jobs


class Command(BaseCommand):
    help = "Apply premium lapses, loan rollovers and suspensions, maturities and benefit availability."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None, help="business day, YYYY-MM-DD")

    def handle(self, *args, date=None, **options):
        result = policy_daily_jobs(day=date)
        self.stdout.write(f"policy jobs done: {result}")
