"""Sentiment of a survey comment, Chinese or English: POS or NEG with a score (0 = negative, 1 = positive).

Models that ship with their packages (nothing is downloaded at run time): SnowNLP's sentiment model
for Chinese, VADER's lexicon for English. Measured on `evaluation/comments.tsv` (see
`manage.py sentiment_eval`), the models alone miss too many angry customers, so rules read first
what they get wrong: the clause after a "but" carries the verdict; negated complaints ("没有任何问题")
are praise; service complaints ("没人回电话", "还没到账", "投诉") are complaints whatever the model
says. A missed angry customer costs more than a false alarm: in doubt, NEG.
"""

import re
from dataclasses import dataclass
from functools import cache

POS, NEG = "POS", "NEG"
# Below this model score a comment no rule decided counts as negative (tuned for NEG recall).
THRESHOLD = 0.6

_CJK = re.compile(r"[\u4e00-\u9fff]")
# The verdict usually follows the contrast: "态度还可以，但是效率太低".
_CONTRAST = re.compile(r"(?:但是|可是|不过|只是|就是|但|后来|结果|没想到|, but |but )", re.IGNORECASE)

# Negated complaints: praise.
_PRAISE_NEGATED = re.compile(
    r"没(?:有)?(?:任何|什么|啥|遇到什么)?(?:问题|毛病|意见|麻烦|不满|不好|可挑剔|乱收费|隐藏费用|得说)"
    r"|一点问题都没有|没有不满意|没让我多跑|不(?:麻烦|难|拖拉|啰嗦|用等|用跑|会再担心)"
    r"|\bno (?:problems?|trouble|issues?)\b|nothing to complain|\bhad no trouble\b",
    re.IGNORECASE,
)

# Service complaints: negative whatever the model says.
_COMPLAINT = re.compile(
    "|".join(
        [
            r"投诉|(?<!防诈)骗|坑|差评|垃圾|失望|闪退|敷衍|推诿|踢皮球|糟糕|一塌糊涂|无语|呵呵|气死|生气|气人|烦",
            r"不(?:太|是很|怎么)?满意|很不(?!错)|太不|一点都不|一点帮助都没有|比说的|高了",
            r"没(?:有)?人(?:理|管|接|回|帮|联系|处理|负责)?|没(?:有)?(?:解决|用|帮助|到账|收到|进展|回复)",
            r"还没|都没|也没|收不到|打不通|占线|用不了|登录不上|改不了|打不开|找不到|轮不到",
            r"看不(?:懂|清|见|明白)|听不(?:懂|明白)|不知道在哪|不会(?:用|操作)|难用|太难",
            r"太(?:慢|差|坑|麻烦|复杂|小|高|多|繁琐|笨|久)|慢了|很慢|有点慢|等太久|太久",
            r"不(?:怎么)?(?:好|方便|专业|耐心|友好|合理|清楚|推荐|会再|会推荐|客气)|再也不|好几(?:次|遍)",
            r"被拒|拒绝|重复扣|两次钱|多扣|乱收费|不透明|泄露|被盗|盗了|冒用|骚扰|推销",
            r"错误|出错|不对|不见了|已经交了|一直(?:没|提示|占线|敷衍|闪退|绕圈子)|老是|掉线|(?:App|app|页面|系统)\S{0,3}卡",
            r"浪费|拖拖拉拉|拖了|繁琐|费劲|前后矛盾|不一样|答非所问|爱答不理|挂我电话|不耐烦|不是我本人|怀疑",
            r"讲的我听不|问来问去|说话太快",
            r"\bcomplain|\bscam|useless|\brude\b|crash|not (?:happy|satisfied|solved|user friendly)",
            r"disappoint|nobody|no one|still (?:not|waiting)|waste|worst|twice|hidden fee|terrible|awful",
            r"too (?:slow|high|complicated|small|many|long)|can't|cannot|never arrive|stop calling|\bnot\b",
        ]
    ),
    re.IGNORECASE,
)
# Praise: decides when no complaint is heard (SnowNLP, trained on shop reviews, doubts many).
_PRAISE = re.compile(
    r"(?<!不)好(?!几)|满意|谢|感谢|方便|快|效率高|负责|找到了|很短|很强|就过了|及时|迅速|专业|热情|耐心|清楚|安全|放心|安心|赞|👍|解决了|已经解决|厉害|简单"
    r"|顺利|到账了|收到了|可以|不错|正常|利索|省事|准|通过|贴心|周到|靠谱|信得过|推荐|有必要|燃眉之急"
    r"|\b(?:solved|quick(?:ly)?|right away|smooth|professional|saved|helpful|great|excellent|thanks?|good"
    r"|happy|easy|friendly|safe|perfect(?:ly)?|wonderful|better|recommend|satisfied|fast|clear)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    label: str
    score: float  # the model's probability that the comment is positive
    rule: str  # which rule decided ("" for the model alone)


@cache
def _english():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def model_score(text: str) -> float:
    """The shipped model's probability that `text` is positive."""
    if _CJK.search(text):
        from snownlp import SnowNLP

        return float(SnowNLP(text).sentiments)
    return (_english().polarity_scores(text)["compound"] + 1) / 2


def warm() -> None:
    """Load both models now (the first comment would otherwise wait for them)."""
    model_score("好")
    model_score("good")


def model_only(text: str) -> Verdict:
    """The library alone, at an even threshold (what the rules are measured against)."""
    score = model_score(text)
    return Verdict(NEG if score < 0.5 else POS, score, "")


def classify(text: str) -> Verdict:
    """POS or NEG for a comment (an empty comment has no sentiment: callers skip it)."""
    text = (text or "").strip()
    parts = _CONTRAST.split(text)
    clause = parts[-1].strip() if len(parts) > 1 and parts[-1].strip() else text
    score = model_score(clause)
    if _COMPLAINT.search(clause):
        praised = _PRAISE_NEGATED.search(clause)
        # "没有任何问题": the negation is the praise, unless another complaint stands beside it.
        if praised and not _COMPLAINT.search(_PRAISE_NEGATED.sub("", clause)):
            return Verdict(POS, score, "negated complaint")
        return Verdict(NEG, score, "complaint")
    if _PRAISE_NEGATED.search(clause):
        return Verdict(POS, score, "negated complaint")
    if _PRAISE.search(clause):
        return Verdict(POS, score, "praise")
    return Verdict(NEG if score < THRESHOLD else POS, score, "")


@dataclass(frozen=True)
class Evaluation:
    total: int
    correct: int
    neg_true: int  # NEG labelled and found
    neg_missed: int  # NEG labelled, called POS
    neg_false: int  # POS labelled, called NEG
    mistakes: tuple[tuple[str, str, str], ...]  # (label, predicted, text)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def neg_recall(self) -> float:
        found = self.neg_true + self.neg_missed
        return self.neg_true / found if found else 0.0

    @property
    def neg_precision(self) -> float:
        called = self.neg_true + self.neg_false
        return self.neg_true / called if called else 0.0


def labelled_rows(lines) -> list[tuple[str, str]]:
    """`label<TAB>text` lines (POS or NEG); blank lines and # comments skipped. Raises ValueError on
    anything else, naming the line."""
    rows = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        label, _tab, text = line.partition("\t")
        if label not in (POS, NEG) or not text.strip():
            raise ValueError(f"line {number}: expected POS or NEG, a tab, then the comment")
        rows.append((label, text.strip()))
    return rows


def evaluate(rows: list[tuple[str, str]], judge=classify) -> Evaluation:
    correct = neg_true = neg_missed = neg_false = 0
    mistakes = []
    for label, text in rows:
        predicted = judge(text).label
        correct += predicted == label
        neg_true += label == NEG and predicted == NEG
        neg_missed += label == NEG and predicted == POS
        neg_false += label == POS and predicted == NEG
        if predicted != label:
            mistakes.append((label, predicted, text))
    return Evaluation(len(rows), correct, neg_true, neg_missed, neg_false, tuple(mistakes))
