"""Print where things are and the demo logins before `make run` starts serving."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from accounts.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the local URLs and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def handle(self, *args, port: str, **options):
        base = f"http://127.0.0.1:{port}"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Nuanxin is starting ({runtime_parts()}).",
                    f"  GraphiQL     {base}/graphql/   (websocket subscriptions on the same path)",
                    f"  Admin        {base}/admin/     (login admin / {DEMO_PASSWORD})",
                    f"  Workbench    {base}/console/   (any demo staff login below)",
                    f"  Scoreboard   {base}/admin/feedback/metricssnapshot/   (admin or 13700000004)",
                    f"  Health       {base}/healthz/ready",
                    f"  Demo logins  password {DEMO_PASSWORD}:",
                    "    13800000001  customer, working age",
                    "    13800000002  customer, age 72 (elder mode suggested)",
                    "    13900000001  agent",
                    "    13700000001  staff: service desk (chats)",
                    "    13700000002  staff: reviewer and callback officer, speaks Cantonese",
                    "    13700000003  staff: underwriter",
                    "    13700000004  staff: supervisor and QA (the board, the scoreboard)",
                    "",
                ]
            )
        )


def runtime_parts() -> str:
    """What this process really runs on, read from the settings in force (not assumed)."""
    database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(connection.vendor, connection.vendor)
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    channels = "in-memory channels" if "InMemory" in layer else "Redis channels"
    tasks = "eager tasks" if settings.CELERY_TASK_ALWAYS_EAGER else "Celery workers"
    return f"{database}, {channels}, {tasks}"
