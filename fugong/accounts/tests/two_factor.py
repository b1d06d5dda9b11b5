"""Helpers for the two-factor tests: the code an authenticator app would show."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The device's code now (or ``steps_ahead`` 30-second steps later: django-otp refuses a
    step already used, and accepts one step of drift)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
