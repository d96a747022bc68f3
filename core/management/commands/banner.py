"""Print where things are and the demo logins before `make run` starts serving."""

from django.core.management.base import BaseCommand

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
                    "Nuanxin is starting (embedded default: SQLite, in-memory channels, eager tasks).",
                    f"  GraphiQL     {base}/graphql/   (websocket subscriptions on the same path)",
                    f"  Admin        {base}/admin/     (login admin / {DEMO_PASSWORD})",
                    f"  Health       {base}/healthz",
                    f"  Demo logins  password {DEMO_PASSWORD}:",
                    "    13800000001  customer, working age",
                    "    13800000002  customer, age 72 (elder mode suggested)",
                    "    13900000001  agent",
                    "    13700000001  staff (service desk)",
                    "",
                ]
            )
        )
