"""`manage.py bot_eval [FILE]`: the bot's top-1 accuracy on `key<TAB>question` lines."""

from pathlib import Path

from django.core.management.base import BaseCommand

from chat.evaluation import QUESTIONS, bot_evaluate, read_questions


class Command(BaseCommand):
    help = "Top-1 accuracy of the FAQ bot on labelled questions (default: the project's set)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(QUESTIONS))
        parser.add_argument("--misses", action="store_true", help="list the questions it got wrong")

    def handle(self, *args, file: str, misses: bool, **options):
        report = bot_evaluate(read_questions(Path(file)))
        if misses:
            for expected, got, question, confidence in report.misses:
                self.stdout.write(f"{expected}\t{got}\t{confidence:.3f}\t{question}")
        self.stdout.write(f"questions={report.total} correct={report.correct} top1={report.accuracy:.3f}")
