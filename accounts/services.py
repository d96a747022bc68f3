"""Account actions: one-time codes, login, token rotation, logout and push devices."""

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.broadcast import group_send_on_commit
from core.db import advisory_lock
from core.errors import ErrorCode, RateLimited, ServiceError
from core.tasks import enqueue_on_commit

from . import tasks
from .models import App, AuthSession, Device, OtpCode, OtpPurpose, Platform, RefreshToken, User
from .throttle import throttle_keys, throttle_locked_for
from .tokens import access_token_issue, refresh_token_new, session_group, token_digest

MAX_PHONE_INPUT = 32


def phone_normalize(text: str | None) -> str | None:
    """The 11-digit mainland China mobile number in `text` as people type it ("+86 138 0000 0001",
    "138-0000-0001"), or None when it is not one."""
    text = (text or "").strip()
    if not text or len(text) > MAX_PHONE_INPUT:
        return None
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    mobile = phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if number.country_code != 86 or not mobile or not phonenumbers.is_valid_number(number):
        return None
    return str(number.national_number)


def phone_validate(phone: str, *, field: str = "phone") -> str:
    normalized = phone_normalize(phone)
    if normalized is None:
        raise ServiceError(
            ErrorCode.INVALID, _("Enter an 11-digit mainland China mobile number."), field=field
        )
    return normalized


# --- One-time codes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OtpSent:
    expires_at: datetime
    retry_after_seconds: int


def _otp_digest(phone: str, purpose: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _otp_rate_check(*, phone: str, client_ip: str, now: datetime) -> None:
    recent = OtpCode.objects.filter(phone=phone, created_at__gt=now - timedelta(days=1))
    windows = (
        (timedelta(minutes=1), settings.OTP_PER_PHONE_PER_MINUTE),
        (timedelta(hours=1), settings.OTP_PER_PHONE_PER_HOUR),
        (timedelta(days=1), settings.OTP_PER_PHONE_PER_DAY),
    )
    checks = [(recent.filter(created_at__gt=now - window), window, limit) for window, limit in windows]
    by_address = OtpCode.objects.filter(client_ip=client_ip, created_at__gt=now - timedelta(hours=1))
    checks.append((by_address, timedelta(hours=1), settings.OTP_PER_ADDRESS_PER_HOUR))
    for in_window, window, limit in checks:
        created = list(in_window.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(created) >= limit:
            # The window lets another code through once the oldest of the last `limit` leaves it.
            retry_after = max(1, int((created[-1] + window - now).total_seconds()) + 1)
            raise RateLimited(_("Too many codes requested; please try again later."), retry_after=retry_after)


def otp_request(*, phone: str, purpose: str = OtpPurpose.LOGIN, client_ip: str) -> OtpSent:
    """Send a 6-digit code; an unknown phone gets the same answer so numbers cannot be probed."""
    phone = phone_validate(phone)
    now = timezone.now()
    with transaction.atomic():
        advisory_lock(f"otp:{phone}")
        _otp_rate_check(phone=phone, client_ip=client_ip, now=now)
        code = f"{secrets.randbelow(1_000_000):06d}"
        otp = OtpCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_otp_digest(phone, purpose, code),
            client_ip=client_ip,
            created_at=now,
            expires_at=now + settings.OTP_LIFETIME,
        )
        deliver = purpose != OtpPurpose.LOGIN or User.objects.filter(phone=phone, is_active=True).exists()
        if deliver:
            minutes = int(settings.OTP_LIFETIME.total_seconds() // 60)
            text = str(_("Nuanxin code %(code)s, valid for %(minutes)d minutes. Never share it.")) % {
                "code": code,
                "minutes": minutes,
            }
            # From a worker after commit: a provider failure is retried there, never this request's.
            enqueue_on_commit(tasks.sms_send, phone=phone, text=text)
    return OtpSent(expires_at=otp.expires_at, retry_after_seconds=60)


def otp_verify(*, phone: str, purpose: str, code: str, field: str = "otp") -> None:
    """Consume the latest live code for this phone; wrong tries count and the fifth kills it."""
    invalid = ServiceError(ErrorCode.OTP_INVALID, _("The code is wrong or has expired."), field=field)
    now = timezone.now()
    with transaction.atomic():
        otp = (
            OtpCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if otp is None or otp.expires_at <= now or otp.attempts >= settings.OTP_MAX_ATTEMPTS:
            raise invalid
        if not hmac.compare_digest(otp.code_hash, _otp_digest(phone, purpose, (code or "").strip())):
            # Counted in its own committed write: the refusal must not roll the count back.
            OtpCode.objects.filter(pk=otp.pk).update(attempts=otp.attempts + 1)
            wrong = True
        else:
            otp.used_at = now
            otp.save(update_fields=["used_at"])
            wrong = False
    if wrong:
        raise invalid


# --- Login and tokens -------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPair:
    user: User
    access_token: str
    refresh_token: str
    expires_at: datetime


def _session_start(*, user: User, client_ip: str, user_agent: str) -> TokenPair:
    session = AuthSession.objects.create(user=user, client_ip=client_ip, user_agent=user_agent[:255])
    return _tokens_issue(session=session, user=user)


def _tokens_issue(*, session: AuthSession, user: User) -> TokenPair:
    refresh = refresh_token_new()
    RefreshToken.objects.create(
        session=session,
        token_hash=token_digest(refresh),
        expires_at=timezone.now() + settings.REFRESH_TOKEN_LIFETIME,
    )
    access, expires_at = access_token_issue(session_id=session.pk, user_id=user.pk)
    return TokenPair(user=user, access_token=access, refresh_token=refresh, expires_at=expires_at)


def _locked_out(retry_after: int | None = None) -> RateLimited:
    minutes = int(settings.LOGIN_COOLOFF.total_seconds() // 60)
    return RateLimited(
        _("Too many failed logins; please try again in %(minutes)d minutes.") % {"minutes": minutes},
        retry_after=retry_after or int(settings.LOGIN_COOLOFF.total_seconds()),
    )


def login_with_password(
    *, request, phone: str, password: str, client_ip: str, user_agent: str = ""
) -> TokenPair:
    """Password login behind the lockout: failures per phone and per address (accounts.throttle)."""
    phone = (phone or "").strip()
    if not phone:
        raise ServiceError(ErrorCode.INVALID, _("Enter your phone number."), field="phone")
    retry_after = throttle_locked_for(throttle_keys(phone=phone, client_ip=client_ip))
    if retry_after is not None:
        raise _locked_out(retry_after)
    user = authenticate(request, username=phone, password=password)
    if user is None:
        if getattr(request, "login_locked_out", False):
            raise _locked_out()
        raise ServiceError(ErrorCode.INVALID, _("The phone number or password is wrong."), field="password")
    user_logged_in.send(sender=User, request=request, user=user)
    with transaction.atomic():
        return _session_start(user=user, client_ip=client_ip, user_agent=user_agent)


def login_with_otp(*, phone: str, otp: str, client_ip: str, user_agent: str = "") -> TokenPair:
    phone = phone_validate(phone)
    otp_verify(phone=phone, purpose=OtpPurpose.LOGIN, code=otp)
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        raise ServiceError(ErrorCode.OTP_INVALID, _("The code is wrong or has expired."), field="otp")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        return _session_start(user=user, client_ip=client_ip, user_agent=user_agent)


def _seal_key(refresh_token: str) -> bytes:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"refresh-retry:{refresh_token}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest())


def _seal(pair: TokenPair, *, with_token: str) -> str:
    payload = {
        "access": pair.access_token,
        "refresh": pair.refresh_token,
        "expires_at": pair.expires_at.isoformat(),
    }
    return Fernet(_seal_key(with_token)).encrypt(json.dumps(payload).encode()).decode()


def _unseal(sealed: str, *, with_token: str, user: User) -> TokenPair | None:
    try:
        payload = json.loads(Fernet(_seal_key(with_token)).decrypt(sealed.encode()))
    except (InvalidToken, ValueError):
        return None
    return TokenPair(
        user=user,
        access_token=payload["access"],
        refresh_token=payload["refresh"],
        expires_at=datetime.fromisoformat(payload["expires_at"]),
    )


def token_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: the presented token is spent; presenting a spent token again revokes the whole session,
    except within a few seconds of its use, when the same new pair is returned (a flaky phone network
    retrying the same request, or two requests racing, must not log the customer out)."""
    invalid = ServiceError(
        ErrorCode.INVALID, _("Your session has ended; please log in again."), field="refreshToken"
    )
    now = timezone.now()
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update(of=("self",))
            .select_related("session__user")
            .filter(token_hash=token_digest(refresh_token or ""))
            .first()
        )
        if token is None:
            raise invalid
        session = token.session
        live = session.revoked_at is None and session.user.is_active
        if token.used_at is None and token.expires_at > now and live:
            pair = _tokens_issue(session=session, user=session.user)
            token.used_at = now
            token.successor_sealed = _seal(pair, with_token=refresh_token)
            token.save(update_fields=["used_at", "successor_sealed"])
            return pair
        if live and token.used_at is not None and now - token.used_at <= settings.REFRESH_RETRY_GRACE:
            again = _unseal(token.successor_sealed, with_token=refresh_token, user=session.user)
            if again is not None:
                return again
        if token.used_at is not None and session.revoked_at is None:
            # A spent token came back: someone holds a copy. End the session for both holders,
            # committed before the refusal is raised.
            AuthSession.objects.filter(pk=session.pk).update(revoked_at=now)
            session_ended_announce(session.pk, "revoked")
    raise invalid


def session_ended_announce(session_id: int, reason: str) -> None:
    """Open websockets of the session close (in every process, through the channel layer)."""
    group_send_on_commit(session_group(session_id), {"type": "auth.session.ended", "reason": reason})


def logout(*, user: User, session_id: int) -> None:
    """Revoke this login: its refresh tokens stop working, so do its access tokens, and its open
    websockets are closed."""
    with transaction.atomic():
        ended = AuthSession.objects.filter(pk=session_id, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if ended:
            session_ended_announce(session_id, "logout")


# --- Devices ----------------------------------------------------------------------------------


def device_register(*, user: User, token: str, platform: str, app: str) -> Device:
    token = (token or "").strip()
    if not token or len(token) > 4096:
        raise ServiceError(ErrorCode.INVALID, _("The device token is not valid."), field="token")
    if platform not in Platform.values:
        raise ServiceError(ErrorCode.INVALID, _("Unknown platform."), field="platform")
    if app not in App.values:
        raise ServiceError(ErrorCode.INVALID, _("Unknown app."), field="app")
    now = timezone.now()
    device, _created = Device.objects.update_or_create(
        token_digest=token_digest(token),
        defaults={
            "user": user,
            "token": token,
            "platform": platform,
            "app": app,
            "active": True,
            "last_seen_at": now,
            "deactivated_reason": "",
        },
        create_defaults={
            "user": user,
            "token": token,
            "platform": platform,
            "app": app,
            "created_at": now,
            "last_seen_at": now,
        },
    )
    return device


def device_unregister(*, user: User, token: str) -> bool:
    """Deactivate the viewer's device; a token of someone else's is left alone and reported as not found."""
    updated = Device.objects.filter(
        token_digest=token_digest((token or "").strip()), user=user, active=True
    ).update(active=False, deactivated_reason="unregistered")
    if not updated:
        raise ServiceError(ErrorCode.NOT_FOUND, _("This device is not registered."), field="token")
    return True
