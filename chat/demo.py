"""FAQ answers for common servicing questions, in Chinese and English, and canned responses."""

from .models import CannedResponse, FaqEntry

FAQ = [
    {
        "question_zh": "怎么申请保单贷款？",
        "question_en": "How do I apply for a policy loan?",
        "variants": "保单贷款怎么办理\n我想用保单借钱\n保单可以借款吗\n如何办理保单借款",
        "keywords": "贷款,借款,借钱,借点钱,借",
        "answer_zh": "在“我的保单”中选择保单，点“保单贷款”，最高可借现金价值的80%扣除未还本息和欠缴保费，最低1000元，期限182天，按日计息。",
        "answer_en": "Open the policy under My Policies and tap Policy Loan. You can borrow up to 80% of the cash value less loans, interest and unpaid premiums, from 1,000 yuan, for 182 days, with daily interest.",
    },
    {
        "question_zh": "怎么还保单贷款？",
        "question_en": "How do I repay a policy loan?",
        "variants": "贷款怎么还\n我要还款\n如何提前还款\n一键还款在哪里",
        "keywords": "还款,还贷,还钱,怎么还",
        "answer_zh": "在“我的贷款”中点“一键还款”，可一次还清多张保单的贷款，也可部分还款（至少100元），先还利息再还本金。",
        "answer_en": "Under My Loans tap Repay: you can pay off loans on several policies at once, or part-pay at least 100 yuan. Interest is paid first, then principal.",
    },
    {
        "question_zh": "怎么修改续期扣款银行卡？",
        "question_en": "How do I change the bank card for premium debits?",
        "variants": "换扣款银行卡\n续期扣款账户变更\n银行卡授权怎么改\n自动扣款换卡",
        "keywords": "扣款,银行卡,授权,换卡",
        "answer_zh": "先在“银行账户”中添加本人银行卡并通过验证，再在“续期扣款授权”中选择保单和新卡即可。",
        "answer_en": "Add and verify a card in your own name under Bank Accounts, then choose the policies and the new card under Renewal Debit Authorization.",
    },
    {
        "question_zh": "满期金怎么领取？",
        "question_en": "How do I collect a maturity benefit?",
        "variants": "满期金领取\n生存金怎么领\n保险金到期了怎么拿\n年金怎么领取",
        "keywords": "满期金,生存金,领取,年金",
        "answer_zh": "在“我的保险金”中选择可领取的款项和本人银行卡即可。60岁以上客户大额领取前我们会电话确认。",
        "answer_en": "Choose the benefit and your own bank card under My Benefits. For customers over 60, we call to confirm large payouts first.",
    },
    {
        "question_zh": "为什么收到保费提醒？",
        "question_en": "Why did I get a premium reminder?",
        "variants": "提醒是什么意思\n代理人推送的提醒\n缴费提醒\n怎么关闭提醒",
        "keywords": "提醒,通知,推送",
        "answer_zh": "保费到期前30天、7天和1天会提醒您，也可在“通知设置”中关闭部分提醒（失效风险提醒不可关闭）。",
        "answer_en": "We remind you 30, 7 and 1 days before a premium is due. You can mute some kinds in Notification Settings; lapse risk reminders stay on.",
    },
    {
        "question_zh": "怎么打开长辈模式？",
        "question_en": "How do I turn on elder mode?",
        "variants": "字太小看不清\n大字版\n老年模式\n语音朗读怎么开",
        "keywords": "长辈,大字,老年,朗读,看不清,字太小",
        "answer_zh": "在“我的”-“长辈模式”中打开，字体更大、按钮更大，并可朗读页面内容。",
        "answer_en": "Turn it on under Me > Elder Mode for larger text and buttons, and read-aloud.",
    },
]
CANNED = [
    ("问候", "您好，我是暖心客服，很高兴为您服务。"),
    ("稍等", "好的，请稍等，我为您查询一下。"),
    ("结束", "感谢您的耐心，还有其他可以帮您的吗？"),
]


def seed_chat() -> None:
    for entry in FAQ:
        FaqEntry.objects.get_or_create(question_zh=entry["question_zh"], defaults=entry)
    for title, body in CANNED:
        CannedResponse.objects.get_or_create(title=title, defaults={"body": body})
