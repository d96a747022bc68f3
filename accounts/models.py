"""Users (phone as the login), their role profiles, login sessions, OTP codes and push devices."""

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.crypto import DigestField, EncryptedCharField
from core.masking import mask_id_number, mask_phone

from .identity import resident_id_validate


class Role(models.TextChoices):
    CUSTOMER = "CUSTOMER", _("Customer")
    AGENT = "AGENT", _("Agent")
    STAFF = "STAFF", _("Staff")
    ADMIN = "ADMIN", _("Administrator")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields):
        user = self.model(phone=phone, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields):
        fields.update(role=Role.ADMIN, is_superuser=True)
        return self.create_user(phone, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    # Mobile number for app users; the Django admin account may use a plain login name.
    phone = models.CharField(_("phone"), max_length=32, unique=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False, editable=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"])]

    def __str__(self) -> str:
        return f"{self.display_name or mask_phone(self.phone)} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        # Admin access follows the role so that no customer or agent can reach the admin.
        self.is_staff = self.role in (Role.STAFF, Role.ADMIN)
        if self.role != Role.ADMIN:
            self.is_superuser = False
        super().save(*args, **kwargs)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Gender(models.TextChoices):
    MALE = "MALE", _("Male")
    FEMALE = "FEMALE", _("Female")


@audit.track
class CustomerProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="customer", verbose_name=_("user account")
    )
    name = models.CharField(_("name"), max_length=64)
    # Stored in full for servicing and bank checks; every response and log masks it.
    # Encrypted at rest; found and kept unique by its keyed digest.
    id_number = EncryptedCharField(_("national ID number"), max_length=18, validators=[resident_id_validate])
    id_number_digest = DigestField(source="id_number", unique=True, null=True)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def age_on(self, day: date) -> int:
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)


class AgentProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="agent", verbose_name=_("user account")
    )
    name = models.CharField(_("name"), max_length=64)
    agent_code = models.CharField(_("agent code"), max_length=16, unique=True)
    branch = models.CharField(_("branch"), max_length=64)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return f"{self.name} ({self.agent_code})"


class StaffProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="staff", verbose_name=_("user account")
    )
    name = models.CharField(_("name"), max_length=64)
    employee_no = models.CharField(_("employee number"), max_length=16, unique=True)
    team = models.CharField(_("team"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"


class OtpPurpose(models.TextChoices):
    LOGIN = "LOGIN", _("Login")
    CONTACT_CHANGE = "CONTACT_CHANGE", _("Contact change")


class OtpCode(models.Model):
    """One code sent (or, for an unknown phone, pretended to be sent); rows double as the rate-limit log."""

    phone = models.CharField(max_length=32)
    purpose = models.CharField(max_length=16, choices=OtpPurpose.choices)
    code_hash = models.CharField(max_length=64)
    client_ip = models.GenericIPAddressField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [
            models.Index(fields=["phone", "purpose", "-created_at"]),
            models.Index(fields=["client_ip", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class AuthSession(models.Model):
    """A login on one device; its refresh tokens rotate within it and logout revokes it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_sessions")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"session {self.pk} of user {self.user_id}"


class RefreshToken(models.Model):
    session = models.ForeignKey(AuthSession, on_delete=models.CASCADE, related_name="refresh_tokens")
    # SHA-256 of the token: a database leak gives no usable token.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The pair this token was exchanged for, sealed with a key derived from this token itself (only
    # its holder can open it): a retry within seconds gets the same pair back (accounts.services).
    successor_sealed = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"refresh token of session {self.session_id}"


class Platform(models.TextChoices):
    ANDROID = "ANDROID", "Android"
    IOS = "IOS", "iOS"


class App(models.TextChoices):
    CUSTOMER_APP = "CUSTOMER_APP", _("Customer app")
    AGENT_APP = "AGENT_APP", _("Agent app")


class Device(models.Model):
    """A push token of one installed app; a token moves to whoever registered it last."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices", verbose_name=_("user"))
    token = models.CharField(max_length=4096)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    platform = models.CharField(max_length=8, choices=Platform.choices, verbose_name=_("platform"))
    app = models.CharField(max_length=16, choices=App.choices, verbose_name=_("app"))
    active = models.BooleanField(default=True, verbose_name=_("active"))
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, verbose_name=_("last seen at"))
    deactivated_reason = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [
            models.Index(fields=["user", "app"], condition=Q(active=True), name="device_active_user_app")
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.get_app_display()} of user {self.user_id}"


class LoginThrottle(models.Model):
    """Failed logins counted per phone and per client address, one row per key: a burst of
    concurrent failures increments the same row under its lock, so the count cannot split."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_started_at = models.DateTimeField(_("first failure at"), default=timezone.now)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
