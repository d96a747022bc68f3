"""Anti-fraud notices for each money-moving operation (editable in the admin afterwards)."""

from .models import RiskNotice, RiskOperation

NOTICES = [
    (
        RiskOperation.POLICY_LOAN,
        1,
        "谨防借款诈骗",
        "Beware of loan scams",
        "本公司不会以任何理由要求您将贷款转入他人账户。任何自称客服、公检法要求转账的，都是诈骗。",
        "We never ask you to move a loan to someone else's account. Anyone claiming to be staff or police who asks you to transfer money is a fraudster.",
    ),
    (
        RiskOperation.POLICY_LOAN,
        2,
        "贷款需按时还款",
        "Repay on time",
        "保单贷款按日计息，到期未还的利息将计入本金。贷款本息达到现金价值时，保单将中止。",
        "Policy loans accrue interest daily; unpaid interest is added to the principal at term end. If loans and interest reach the cash value, the policy is suspended.",
    ),
    (
        RiskOperation.BENEFIT_PAYOUT,
        1,
        "保险金只会付到您本人账户",
        "Benefits are paid only to your own account",
        "领取保险金不收取任何手续费。请勿向任何人透露验证码或银行卡密码。",
        "Collecting a benefit costs nothing. Never tell anyone your verification code or card PIN.",
    ),
    (
        RiskOperation.BANK_ACCOUNT_CHANGE,
        1,
        "变更银行账户请本人操作",
        "Change bank accounts yourself",
        "如有人指导您添加或变更银行账户，请立即停止并拨打客服热线核实。",
        "If someone is guiding you to add or change a bank account, stop and call our hotline to check.",
    ),
    (
        RiskOperation.NEW_POLICY,
        1,
        "请确认是您本人投保",
        "Make sure you are buying this yourself",
        "请仔细阅读保险条款，了解保障内容、保费和缴费期。保费只会从您本人的账户扣取，任何人要求您转账到个人账户都是诈骗。",
        "Read the policy terms: what is covered, the premium and for how long you pay. Premiums are only taken from your own account; anyone asking you to transfer money to a personal account is a fraudster.",
    ),
    (
        RiskOperation.POLICY_CANCELLATION,
        1,
        "退保前请三思",
        "Think before you cancel",
        "犹豫期内退保可全额退还保费，但保障随即终止。如有人劝您退保后购买其他“高收益”产品，请警惕诈骗。",
        "Cancelling in the cooling-off period returns every premium, but your cover ends at once. Beware of anyone urging you to cancel and buy a 'high-return' product instead.",
    ),
    (
        RiskOperation.CONTACT_CHANGE,
        1,
        "保护好您的联系方式",
        "Protect your contact details",
        "骗子常先修改您的手机号再冒领资金。请确认新手机号属于您本人。",
        "Fraudsters often change your phone number first and then take your money. Make sure the new number is yours.",
    ),
]


def seed_risk_notices() -> None:
    for operation, order, title_zh, title_en, body_zh, body_en in NOTICES:
        RiskNotice.objects.get_or_create(
            operation=operation,
            title_zh=title_zh,
            defaults={"order": order, "title_en": title_en, "body_zh": body_zh, "body_en": body_en},
        )
