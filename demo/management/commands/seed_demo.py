"""Seed the demo book (idempotent) and, with --customers N, a large synthetic book for benchmarks."""

from django.core.management.base import BaseCommand
from django.db import connection

from accounts.demo import seed_demo_accounts, seed_synthetic_customers
from chat.demo import seed_chat, seed_demo_left_message
from core.money import business_today
from elder_mode.demo import seed_risk_notices
from feedback.demo import seed_demo_feedback
from new_business.demo import seed_demo_applications, seed_sale_terms
from operations.demo import seed_pool_staff
from policies.demo import seed_demo_policies, seed_demo_pool, seed_synthetic_policies
from reminders.services.scan import reminder_scan


class Command(BaseCommand):
    help = "Create the demo accounts of DESIGN.md; --customers N adds N synthetic customers."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=0, help="synthetic customers to generate")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, customers: int, batch_size: int, no_progress: bool, **options):
        users = seed_demo_accounts()
        seed_pool_staff(users)
        seed_demo_policies(users)
        seed_risk_notices()
        seed_chat()
        seed_sale_terms()
        if not customers:
            # New business: the demo agent's applications in several states.
            applications = seed_demo_applications(users)
            self.stdout.write(f"demo applications: {applications}")
            # Work waiting in the national pool: a review, a left-message callback, a quality review.
            seed_demo_pool(users)
            seed_demo_left_message(users)
            # Voice of the customer: three weeks of answers and follow-ups, one survey pending.
            surveys = seed_demo_feedback(users)
            self.stdout.write(f"demo surveys: {surveys} answered")
        self.stdout.write(f"demo accounts ready: {', '.join(users)}")
        if not customers:
            # The demo agent's feed: every kind open, none pushed yet (the agent pushes in the demo).
            result = reminder_scan(day=business_today(), system_push=False)
            self.stdout.write(f"reminders raised: {sum(result.created.values())}")
        if customers:
            created = seed_synthetic_customers(customers, batch_size=batch_size, progress=not no_progress)
            self.stdout.write(f"synthetic customers: {created} created, {customers - created} already there")
            policies = seed_synthetic_policies(
                customers, batch_size=min(batch_size, 2000), progress=not no_progress
            )
            self.stdout.write(f"synthetic policies: {policies} created")
            if connection.vendor == "postgresql" and (created or policies):
                # Fresh bulk loads leave the planner with empty statistics and it picks slow plans.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                self.stdout.write("statistics refreshed (ANALYZE)")
