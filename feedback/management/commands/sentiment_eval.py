"""How well the comment sentiment does on labelled comments: `label<TAB>text` lines, POS or NEG."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from feedback import sentiment

DEFAULT = Path(__file__).resolve().parents[2] / "evaluation" / "comments.tsv"


class Command(BaseCommand):
    help = "Accuracy and the NEG class's precision and recall of survey-comment sentiment on a labelled file."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default=str(DEFAULT), help="label<TAB>comment lines (POS or NEG)"
        )
        parser.add_argument(
            "--model-only", action="store_true", help="the shipped models alone, without the rules"
        )
        parser.add_argument("--mistakes", action="store_true", help="list the comments judged wrongly")

    def handle(self, *args, file, model_only, mistakes, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                rows = sentiment.labelled_rows(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        except ValueError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if not rows:
            raise CommandError(f"{file}: no labelled comments")
        judge = sentiment.model_only if model_only else sentiment.classify
        self.stdout.write(
            f"judging {len(rows)} comments with {'the models alone' if model_only else 'models and rules'}…"
        )
        result = sentiment.evaluate(rows, judge)
        if mistakes:
            for label, predicted, text in result.mistakes:
                self.stdout.write(f"{label}→{predicted}\t{text}")
        self.stdout.write(
            f"comments={result.total} accuracy={result.accuracy:.4f} "
            f"neg_precision={result.neg_precision:.4f} neg_recall={result.neg_recall:.4f}"
        )
