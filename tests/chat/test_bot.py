"""The bot finds the right FAQ answer for different Chinese wordings, with a confidence."""

import pytest

from chat.bot import CONFIDENT, bot_answer, wants_human
from chat.demo import seed_chat


@pytest.fixture(autouse=True)
def faq(db):
    seed_chat()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("我想申请保单贷款", "怎么申请保单贷款？"),
        ("保单能不能借点钱", "怎么申请保单贷款？"),
        ("贷款要怎么还啊", "怎么还保单贷款？"),
        ("我要提前还款", "怎么还保单贷款？"),
        ("续期扣款的银行卡想换一张", "怎么修改续期扣款银行卡？"),
        ("满期金在哪里领", "满期金怎么领取？"),
        ("生存金怎么领取", "满期金怎么领取？"),
        ("字太小了看不清楚", "怎么打开长辈模式？"),
        ("为什么给我推送缴费提醒", "为什么收到保费提醒？"),
    ],
)
def test_different_wordings_get_the_right_answer(question, expected):
    answer = bot_answer(question)
    assert answer.faq is not None and answer.faq.question_zh == expected
    assert answer.confidence >= CONFIDENT


@pytest.mark.parametrize("question", ["今天天气怎么样", "帮我订一张机票", "？？？"])
def test_unrelated_questions_have_low_confidence(question):
    assert bot_answer(question).confidence < CONFIDENT


@pytest.mark.parametrize(
    ("text", "human"), [("转人工", True), ("人工客服", True), ("我要人工", True), ("保单贷款", False)]
)
def test_asking_for_a_person(text, human):
    assert wants_human(text) is human
