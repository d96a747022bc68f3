"""Auth and profile operations: requestOtp, login, refreshToken, logout, viewer, devices, heartbeat."""

import asyncio
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from django.utils import timezone
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info

from accounts import services
from accounts.models import OtpPurpose
from core.errors import ErrorCode, RateLimited, ServiceError
from core.graphql.errors import UserError, returns_user_errors, user_errors
from core.graphql.permissions import IsAuthenticated
from core.http import client_ip

from .types import AppEnum, OtpPurposeEnum, PlatformEnum, ViewerType


@strawberry.input
class RequestOtpInput:
    phone: str
    purpose: OtpPurposeEnum = OtpPurposeEnum.LOGIN


@strawberry.type
class RequestOtpPayload:
    sent: bool = False
    expires_at: datetime | None = None
    retry_after_seconds: int | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="Log in with `password` or with `otp`, not both.")
class LoginInput:
    phone: str
    password: str | None = None
    otp: str | None = None


@strawberry.type
class LoginPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_at: datetime | None = None
    viewer: ViewerType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.type
class LogoutPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RegisterDeviceInput:
    token: str
    platform: PlatformEnum
    app: AppEnum


@strawberry.type
class DeviceType:
    platform: PlatformEnum
    app: AppEnum
    active: bool
    last_seen_at: datetime


@strawberry.type
class RegisterDevicePayload:
    device: DeviceType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class UnregisterDeviceInput:
    token: str


@strawberry.type
class UnregisterDevicePayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Heartbeat:
    at: datetime
    viewer_id: relay.GlobalID


def _login_payload(pair: services.TokenPair) -> LoginPayload:
    return LoginPayload(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_at=pair.expires_at,
        viewer=pair.user,
    )


MAX_SECRET_LENGTH = 128


@strawberry.type
class Query:
    @strawberry.field(description="The logged-in user.")
    def viewer(self, info: Info) -> ViewerType:
        return info.context.require_viewer()


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Send a 6-digit code by SMS, valid 5 minutes.")
    @returns_user_errors(RequestOtpPayload)
    def request_otp(self, info: Info, input: RequestOtpInput) -> RequestOtpPayload:
        purpose = OtpPurpose(input.purpose.value)
        if purpose != OtpPurpose.LOGIN:
            # Codes for other purposes go to a phone the logged-in viewer is adding.
            info.context.require_viewer()
        try:
            sent = services.otp_request(
                phone=input.phone, purpose=purpose, client_ip=client_ip(info.context.http_request)
            )
        except RateLimited as exc:
            # The app shows a countdown: it needs to know when to offer "send again".
            return RequestOtpPayload(errors=user_errors(exc), retry_after_seconds=exc.retry_after)
        return RequestOtpPayload(
            sent=True, expires_at=sent.expires_at, retry_after_seconds=sent.retry_after_seconds
        )

    @strawberry.mutation
    @returns_user_errors(LoginPayload)
    def login(self, info: Info, input: LoginInput) -> LoginPayload:
        request = info.context.http_request
        if (input.password is None) == (input.otp is None):
            raise ServiceError(ErrorCode.INVALID, _("Give either a password or a code."), field="password")
        if len(input.phone) > 32 or len(input.password or input.otp or "") > MAX_SECRET_LENGTH:
            raise ServiceError(
                ErrorCode.INVALID, _("The phone number or password is wrong."), field="password"
            )
        common = {"client_ip": client_ip(request), "user_agent": request.headers.get("User-Agent", "")}
        # As people type it (+86, spaces); anything else ("admin") is looked up as given.
        phone = services.phone_normalize(input.phone) or input.phone.strip()
        if input.password is not None:
            pair = services.login_with_password(
                request=request, phone=phone, password=input.password, **common
            )
        else:
            pair = services.login_with_otp(phone=phone, otp=input.otp or "", **common)
        return _login_payload(pair)

    @strawberry.mutation(description="Exchange a refresh token for new tokens; the old one is spent.")
    @returns_user_errors(LoginPayload)
    def refresh_token(self, info: Info, input: RefreshTokenInput) -> LoginPayload:
        return _login_payload(services.token_refresh(refresh_token=input.refresh_token[:MAX_SECRET_LENGTH]))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="End this login on this device.")
    def logout(self, info: Info) -> LogoutPayload:
        viewer = info.context.require_viewer()
        services.logout(user=viewer, session_id=viewer.auth_session_id)
        return LogoutPayload(ok=True)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(RegisterDevicePayload)
    def register_device(self, info: Info, input: RegisterDeviceInput) -> RegisterDevicePayload:
        device = services.device_register(
            user=info.context.require_viewer(),
            token=input.token,
            platform=input.platform.value,
            app=input.app.value,
        )
        return RegisterDevicePayload(device=device)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(UnregisterDevicePayload)
    def unregister_device(self, info: Info, input: UnregisterDeviceInput) -> UnregisterDevicePayload:
        services.device_unregister(user=info.context.require_viewer(), token=input.token)
        return UnregisterDevicePayload(ok=True)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="A beat every `intervalSeconds` (5 to 300) while the connection is alive.",
    )
    async def viewer_heartbeat(
        self, info: Info, interval_seconds: int = 30
    ) -> AsyncGenerator[Heartbeat, None]:
        viewer = info.context.viewer
        interval = min(max(interval_seconds, 5), 300)
        viewer_id = relay.GlobalID("Viewer", str(viewer.pk))
        while True:
            yield Heartbeat(at=timezone.now(), viewer_id=viewer_id)
            await asyncio.sleep(interval)
