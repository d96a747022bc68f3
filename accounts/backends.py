"""Password authentication by phone, behind the login lockout (accounts.throttle): the admin's
login form and the apps' `login` share one count."""

from django.contrib.auth.backends import ModelBackend

from core.http import client_ip

from .throttle import throttle_fail, throttle_keys, throttle_locked_for, throttle_reset


class ThrottledPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        from .services import phone_normalize

        phone = phone_normalize(username) or (username or "").strip()
        keys = throttle_keys(phone=phone, client_ip=client_ip(request) if request is not None else "-")
        if throttle_locked_for(keys) is not None:
            if request is not None:
                request.login_locked_out = True
            return None
        user = super().authenticate(request, username=phone, password=password, **kwargs)
        if user is None:
            if throttle_fail(keys) and request is not None:
                request.login_locked_out = True
        else:
            throttle_reset(keys[0])
        return user
