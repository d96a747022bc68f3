"""The FAQ bot: Chinese word segmentation (jieba) and fuzzy scoring (rapidfuzz), with a confidence."""

import logging
import re
from dataclasses import dataclass

import jieba
from rapidfuzz import fuzz

from .models import FaqEntry

jieba.setLogLevel(logging.WARNING)

HUMAN_WORDS = ("转人工", "人工客服", "人工", "真人", "human", "agent")
CONFIDENT = 0.6  # below this the bot offers a person
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_STOP = {
    "我",
    "的",
    "了",
    "吗",
    "呢",
    "啊",
    "吧",
    "怎么",
    "如何",
    "什么",
    "请问",
    "想",
    "要",
    "可以",
    "能",
    "是",
    "在",
    "有",
    "你们",
    "你好",
    "一下",
}


def wants_human(text: str) -> bool:
    lowered = text.strip().lower()
    return any(word in lowered for word in HUMAN_WORDS) and len(lowered) <= 12


def tokens(text: str) -> list[str]:
    words = [w.strip().lower() for w in jieba.lcut(_PUNCTUATION.sub(" ", text))]
    return [w for w in words if w and w not in _STOP]


@dataclass(frozen=True)
class BotAnswer:
    faq: FaqEntry | None
    confidence: float


def _score(query: list[str], candidate: str) -> float:
    return fuzz.token_set_ratio(" ".join(query), " ".join(tokens(candidate))) / 100


def bot_answer(text: str, entries: list[FaqEntry] | None = None) -> BotAnswer:
    """The best FAQ entry for `text` and how sure the bot is (0 to 1)."""
    query = tokens(text)
    if not query:
        return BotAnswer(None, 0.0)
    entries = entries if entries is not None else list(FaqEntry.objects.filter(active=True))
    best, best_score = None, 0.0
    for entry in entries:
        wordings = [entry.question_zh, entry.question_en, *entry.variants.splitlines()]
        similarity = max((_score(query, w) for w in wordings if w.strip()), default=0.0)
        keywords = [k.strip().lower() for k in entry.keywords.replace("，", ",").split(",") if k.strip()]
        # A keyword of the entry in the question is strong evidence; wording similarity does the rest.
        keyword_hit = 1.0 if any(k in text.lower() for k in keywords) else 0.0
        score = 0.75 * similarity + 0.25 * keyword_hit
        if score > best_score:
            best, best_score = entry, score
    return BotAnswer(best, round(best_score, 3))
