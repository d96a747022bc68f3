"""The FAQ bot: Chinese word segmentation (jieba) and fuzzy scoring (rapidfuzz), with a confidence.

A question is compared with every wording of every entry three ways, because customers write
colloquially, with typos, in Chinese or English: word overlap after segmentation, character-pair
overlap (robust to segmentation and to a wrong character), and the entry's keywords. The best
entry's score is the bot's confidence; the runners-up are "you may also mean" suggestions.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass, field

import jieba

from .models import FaqEntry

jieba.setLogLevel(logging.WARNING)

HUMAN_WORDS = ("转人工", "人工客服", "人工", "真人", "human", "agent")
CONFIDENT = 0.6  # at or above: answer; below: suggestions or a person
SUGGEST = 0.3  # at or above (and below CONFIDENT): "猜你想问" suggestions
MAX_SUGGESTIONS = 3
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_STOP = {
    # Chinese function words and politeness that carry no topic
    "我", "的", "了", "吗", "呢", "啊", "吧", "呀", "么", "嘛", "哦", "怎么", "如何", "什么", "请问",
    "想", "要", "可以", "能", "是", "在", "有", "你们", "你好", "一下", "我的", "怎么办", "怎样",
    "会", "没", "不", "就", "还", "都", "为什么", "哪里", "在哪", "多少",
    # English
    "how", "do", "i", "my", "the", "a", "an", "is", "what", "can", "to", "of", "on", "for", "me",
    "when", "does", "did", "you", "it", "in", "get", "why", "need",
}  # fmt: skip


def wants_human(text: str) -> bool:
    lowered = text.strip().lower()
    return any(word in lowered for word in HUMAN_WORDS) and len(lowered) <= 12


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, punctuation to spaces."""
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def tokens(text: str) -> list[str]:
    words = [w.strip() for w in jieba.lcut(normalize(text))]
    return [w for w in words if w and w not in _STOP]


def _pairs(text: str) -> set[str]:
    """Character pairs of the Chinese text, words of the rest: overlap survives a typo or an
    unusual segmentation."""
    compact = "".join(ch for ch in normalize(text) if _CJK.match(ch))
    pairs = {compact[i : i + 2] for i in range(len(compact) - 1)}
    latin = {w for w in re.findall(r"[a-z]+", normalize(text)) if w not in _STOP}
    return pairs | latin


def is_english(text: str) -> bool:
    """Written in English (no Chinese characters, some Latin letters)."""
    return not _CJK.search(text) and len(re.findall(r"[A-Za-z]", text)) >= 2


@dataclass(frozen=True)
class _Wording:
    words: frozenset
    pairs: frozenset


@dataclass
class _Entry:
    faq: FaqEntry
    wordings: list[_Wording]
    keywords: list[str]


@dataclass(frozen=True)
class BotAnswer:
    faq: FaqEntry | None
    confidence: float
    # Other entries that might be meant, best first (offered when confidence is middling).
    alternatives: tuple = field(default_factory=tuple)


def _prepare(entry: FaqEntry) -> _Entry:
    texts = [entry.question_zh, entry.question_en, *entry.variants.splitlines()]
    wordings = [_Wording(words=frozenset(tokens(t)), pairs=frozenset(_pairs(t))) for t in texts if t.strip()]
    keywords = [normalize(k) for k in entry.keywords.replace("，", ",").split(",") if normalize(k)]
    return _Entry(entry, wordings, keywords)


def _dice(a: set, b) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _similarity(query_words: set, query_pairs: set, wording: _Wording) -> float:
    words = _dice(query_words, wording.words)
    pairs = _dice(query_pairs, wording.pairs)
    # A short question wholly inside a wording (or a wording wholly inside a long question) is close
    # too, but less than the same words.
    inside = max(
        len(query_pairs & wording.pairs) / len(query_pairs) if query_pairs else 0.0,
        len(query_pairs & wording.pairs) / len(wording.pairs) if wording.pairs else 0.0,
    )
    return max(words, pairs, 0.8 * inside)


def _keyword_share(entry: _Entry, text: str) -> float:
    """How much of the question the entry's keywords explain (0 to 1)."""
    compact = "".join(normalize(text).split())
    if not compact:
        return 0.0
    covered = [False] * len(compact)
    for keyword in entry.keywords:
        keyword = "".join(keyword.split())
        start = compact.find(keyword)
        while keyword and start >= 0:
            covered[start : start + len(keyword)] = [True] * len(keyword)
            start = compact.find(keyword, start + 1)
    share = sum(covered) / len(compact)
    # Two matched characters in a short question already say a lot.
    return min(1.0, 2.5 * share) if any(covered) else 0.0


def _score(entry: _Entry, text: str, query_words: set, query_pairs: set) -> float:
    similarity = max((_similarity(query_words, query_pairs, w) for w in entry.wordings), default=0.0)
    return 0.6 * similarity + 0.4 * _keyword_share(entry, text)


def bot_answer(text: str, entries: list[FaqEntry] | None = None) -> BotAnswer:
    """The best FAQ entry for `text`, how sure the bot is (0 to 1), and the runners-up."""
    query_words = set(tokens(text))
    query_pairs = _pairs(text)
    if not query_words and not query_pairs:
        return BotAnswer(None, 0.0)
    entries = entries if entries is not None else list(FaqEntry.objects.filter(active=True))
    scored = sorted(
        ((_score(_prepare(e), text, query_words, query_pairs), e) for e in entries),
        key=lambda pair: -pair[0],
    )
    if not scored:
        return BotAnswer(None, 0.0)
    best_score, best = scored[0]
    if best_score <= 0:
        return BotAnswer(None, 0.0)
    runners = tuple(e for s, e in scored[1:MAX_SUGGESTIONS] if s >= SUGGEST)
    return BotAnswer(best, round(best_score, 3), runners)
