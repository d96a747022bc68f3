"""Self-service changes to customer data: bank accounts, renewal debit authorization, contact info."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OtpPurpose, User
from accounts.services import otp_verify, phone_validate
from core.errors import ErrorCode, ServiceError
from elder_mode import rules as elder_rules
from elder_mode.models import RiskOperation

from ..models import BankAccount, Policy, PolicyStatus, RequestStatus, RequestType
from ..providers import BANKS, bank_verifier
from ..signals import obligations_settle
from .common import audit_record, request_decide, request_open

VERIFY_FAILURES = {
    "HOLDER_MISMATCH": ("holderName", _("The account holder must be you, by the name on your ID.")),
    "BAD_ACCOUNT_NUMBER": ("accountNumber", _("The bank card number is not valid.")),
}
DEBIT_STATUSES = (PolicyStatus.IN_FORCE, PolicyStatus.GRACE, PolicyStatus.SUSPENDED)


def bank_account_add(
    *, customer, actor, bank_code: str, account_number: str, holder_name: str, risk_ack: str | None = None
) -> dict:
    """Verify the account with the bank and add it. Returns {"request": id, "bank_account": id}."""
    bank_code = (bank_code or "").strip().upper()
    number = (account_number or "").replace(" ", "")
    holder_name = (holder_name or "").strip()
    if bank_code not in BANKS:
        raise ServiceError(ErrorCode.INVALID, _("Choose a supported bank."), field="bankCode")
    if not number.isdigit() or not 16 <= len(number) <= 19:
        raise ServiceError(ErrorCode.INVALID, _("The bank card number is not valid."), field="accountNumber")
    if not holder_name or len(holder_name) > 64:
        raise ServiceError(ErrorCode.INVALID, _("Enter the account holder's name."), field="holderName")
    verification = bank_verifier().verify(
        bank_code=bank_code, account_number=number, holder_name=holder_name, customer_name=customer.name
    )
    if not verification.ok:
        field, message = VERIFY_FAILURES[verification.reason_code]
        raise ServiceError(ErrorCode.INVALID, message, field=field)
    now = timezone.now()
    try:
        with transaction.atomic():
            elder_rules.risk_ack_consume(
                user=actor,
                customer=customer,
                operation=RiskOperation.BANK_ACCOUNT_CHANGE,
                challenge_id=risk_ack,
                now=now,
            )
            account = BankAccount.objects.create(
                customer=customer,
                bank_code=bank_code,
                bank_name=str(BANKS[bank_code]),
                account_number=number,
                holder_name=holder_name,
                verified_at=now,
                added_at=now,
            )
            request = request_open(
                customer=customer,
                type=RequestType.BANK_ACCOUNT_ADD,
                summary={"bank_account": account.masked_number},
            )
            request_decide(request, status=RequestStatus.COMPLETED)
            audit_record(
                actor=actor,
                action="bank_account.add",
                obj=account,
                after={
                    "bank": bank_code,
                    "account_number": account.masked_number,
                    "holder_name": holder_name,
                },
            )
    except IntegrityError:
        raise ServiceError(
            ErrorCode.DUPLICATE_REQUEST, _("This bank account is already added."), field="accountNumber"
        ) from None
    return {"request": request.pk, "bank_account": account.pk}


def renewal_debit_authorize(
    *, customer, actor, policies: list[Policy], bank_account: BankAccount, risk_ack: str | None = None
) -> dict:
    """Debit renewal premiums of these policies from this verified account."""
    if not policies:
        raise ServiceError(ErrorCode.INVALID, _("Choose at least one policy."), field="policyIds")
    if bank_account.verified_at is None:
        raise ServiceError(
            ErrorCode.NOT_ELIGIBLE, _("The bank account is not verified."), field="bankAccountId"
        )
    for index, policy in enumerate(policies):
        if policy.holder_id != customer.pk:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE, _("Only the policyholder can do this."), field=f"policyIds.{index}"
            )
        if policy.status not in DEBIT_STATUSES:
            raise ServiceError(
                ErrorCode.NOT_ELIGIBLE,
                _("This policy has no premiums left to pay."),
                field=f"policyIds.{index}",
            )
    with transaction.atomic():
        elder_rules.risk_ack_consume(
            user=actor,
            customer=customer,
            operation=RiskOperation.BANK_ACCOUNT_CHANGE,
            challenge_id=risk_ack,
            now=timezone.now(),
        )
        request = request_open(
            customer=customer,
            type=RequestType.RENEWAL_DEBIT_AUTHORIZATION,
            summary={"policies": [p.number for p in policies], "bank_account": bank_account.masked_number},
        )
        for policy in (
            Policy.objects.select_for_update(of=("self",))
            .select_related("renewal_account")
            .filter(pk__in=[p.pk for p in policies])
        ):
            before = policy.renewal_account.masked_number if policy.renewal_account else None
            policy.renewal_account = bank_account
            policy.save(update_fields=["renewal_account"])
            audit_record(
                actor=actor,
                action="policy.renewal_debit_authorize",
                obj=policy,
                before={"renewal_account": before},
                after={"renewal_account": bank_account.masked_number},
            )
        request_decide(request, status=RequestStatus.COMPLETED)
        obligations_settle(policy_ids=[p.pk for p in policies])
    return {"request": request.pk}


def contact_update(*, customer, actor, phone=None, email=None, address=None, otp=None, risk_ack=None) -> dict:
    """Change phone (proved by a code sent to the new phone), email or address."""
    user: User = customer.user
    changes, before = {}, {}
    if phone is not None and phone.strip() != user.phone:
        phone = phone_validate(phone)
        if User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
            raise ServiceError(ErrorCode.INVALID, _("This phone number cannot be used."), field="phone")
        if not otp:
            raise ServiceError(ErrorCode.OTP_INVALID, _("Enter the code sent to the new phone."), field="otp")
        changes["phone"], before["phone"] = phone, user.phone
    if email is not None and email.strip() != customer.email:
        email = email.strip()
        try:
            if email:
                validate_email(email)
        except ValidationError:
            raise ServiceError(ErrorCode.INVALID, _("Enter a valid email address."), field="email") from None
        changes["email"], before["email"] = email, customer.email
    if address is not None and address.strip() != customer.address:
        address = address.strip()
        if len(address) > 255:
            raise ServiceError(ErrorCode.INVALID, _("The address is too long."), field="address")
        changes["address"], before["address"] = address, customer.address
    if not changes:
        raise ServiceError(ErrorCode.INVALID, _("Nothing to change."))
    ack = {
        "user": actor,
        "customer": customer,
        "operation": RiskOperation.CONTACT_CHANGE,
        "challenge_id": risk_ack,
    }
    elder_rules.risk_ack_consume(**ack, now=timezone.now(), consume=False)
    if "phone" in changes:
        # Verified outside the write transaction: a wrong code's attempt count must stick.
        otp_verify(phone=changes["phone"], purpose=OtpPurpose.CONTACT_CHANGE, code=otp)
    with transaction.atomic():
        elder_rules.risk_ack_consume(**ack, now=timezone.now())
        if "phone" in changes:
            user.phone = changes["phone"]
            user.save(update_fields=["phone"])
        profile_fields = [field for field in ("email", "address") if field in changes]
        if profile_fields:
            for field in profile_fields:
                setattr(customer, field, changes[field])
            customer.save(update_fields=profile_fields)
        request = request_open(
            customer=customer, type=RequestType.CONTACT_CHANGE, summary={"fields": sorted(changes)}
        )
        request_decide(request, status=RequestStatus.COMPLETED)
        audit_record(
            actor=actor, action="customer.contact_change", obj=customer, before=before, after=changes
        )
    return {"request": request.pk}
