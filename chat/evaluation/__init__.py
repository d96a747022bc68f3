"""Measure the bot on questions written as customers write them: top-1 accuracy against the FAQ
entry each should hit (NONE: the bot should not answer with confidence)."""

from dataclasses import dataclass, field
from pathlib import Path

from ..bot import CONFIDENT, bot_answer
from ..models import FaqEntry

QUESTIONS = Path(__file__).with_name("bot_questions.tsv")
NONE = "NONE"


@dataclass
class BotReport:
    total: int = 0
    correct: int = 0
    misses: list[tuple[str, str, str, float]] = field(default_factory=list)  # expected, got, question, conf

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def read_questions(path: Path = QUESTIONS) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, question = line.partition("\t")
            rows.append((key.strip(), question.strip()))
    return rows


def bot_evaluate(rows: list[tuple[str, str]]) -> BotReport:
    entries = list(FaqEntry.objects.filter(active=True))
    report = BotReport()
    for expected, question in rows:
        answer = bot_answer(question, entries)
        got = answer.faq.key if answer.faq is not None and answer.confidence >= CONFIDENT else NONE
        report.total += 1
        if got == expected:
            report.correct += 1
        else:
            report.misses.append((expected, got or "?", question, answer.confidence))
    return report
