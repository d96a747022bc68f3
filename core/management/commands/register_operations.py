"""Register the GraphQL documents an app ships with (its .graphql files, each file one document sent
exactly as written), so that the allowlist (GRAPHQL_PERSISTED_ONLY) lets the app run them."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from graphql import GraphQLError, OperationDefinitionNode, parse

from core.graphql.persisted import APP_CLIENTS, cache_clear, document_hash
from core.models import PersistedOperation


class Command(BaseCommand):
    help = "Register an app's .graphql operation files by their SHA-256 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=".graphql files or folders holding them")
        parser.add_argument("--client", required=True, choices=APP_CLIENTS)

    def handle(self, *args, paths, client, **options):
        files = []
        for path in map(Path, paths):
            if path.is_dir():
                files += sorted(path.rglob("*.graphql"))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        new = 0
        for file in files:
            document = file.read_text()
            try:
                ast = parse(document)
            except GraphQLError as exc:
                raise CommandError(f"{file}: {exc.message}") from exc
            names = [
                d.name.value for d in ast.definitions if isinstance(d, OperationDefinitionNode) and d.name
            ]
            _row, created = PersistedOperation.objects.get_or_create(
                sha256=document_hash(document),
                defaults={"name": ",".join(names)[:100], "client": client, "document": document},
            )
            new += created
        cache_clear()
        self.stdout.write(f"registered {len(files)} operations for {client} ({new} new)")
