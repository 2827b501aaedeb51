"""Kiosk policy without Qt: the administrator PIN, stored only as a salted hash.

The PIN guards leaving kiosk mode and changing its settings (printer, idle time, district shown
first). The configuration holds ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (base64), never the PIN:
scrypt is memory-hard, so a stolen configuration file does not give the PIN away by brute force
as quickly as a plain hash of a 4–12 digit number would; each wrong guess also costs the guesser
at the kiosk a pause (`WRONG_PIN_DELAY`).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

PIN_PATTERN = re.compile(r"[0-9]{4,12}")      # ASCII digits only: \d also matches １２３４
SCHEME = "scrypt"
# scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB and about 50 ms per check on the kiosk hardware.
N, R, P = 2**14, 8, 1
WRONG_PIN_DELAY = 1.0        # seconds the PIN pad waits after a wrong PIN


class PinError(ValueError):
    """A PIN that breaks the rule, or a stored hash that cannot be read."""


def pin_problem(pin: str) -> str | None:
    """Why `pin` cannot be an administrator PIN, in Chinese, or None."""
    if not PIN_PATTERN.fullmatch(pin or ""):
        return "管理密码须为 4 至 12 位数字"
    if len(set(pin)) == 1:
        return "管理密码不能全部是同一个数字"
    return None


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_pin(pin: str) -> str:
    problem = pin_problem(pin)
    if problem:
        raise PinError(problem)
    salt = secrets.token_bytes(16)
    digest = _derive(pin, salt, N, R, P)
    b64 = base64.b64encode
    return f"{SCHEME}${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the stored hash (compared in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            raise ValueError(scheme)
        salt_bytes, expected = base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
        n_, r_, p_ = int(n), int(r), int(p)
    except ValueError:
        raise PinError("自助终端管理密码的存储格式无法识别，请重新设置管理密码") from None
    if not PIN_PATTERN.fullmatch(pin or ""):
        return False
    return hmac.compare_digest(_derive(pin, salt_bytes, n_, r_, p_), expected)
