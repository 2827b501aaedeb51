"""Kiosk policy without Qt: the administrator PIN, stored only as a salted hash, and the lockout
that makes guessing it slow.

The PIN guards leaving kiosk mode and changing its settings (printer, idle time, district shown
first). The configuration holds ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (base64), never the PIN:
scrypt is memory-hard, so a stolen configuration file does not give the PIN away by brute force
as quickly as a plain hash of a 4–12 digit number would.

Fail closed. A stored hash is trusted only when its parameters are ones this module would have
chosen or stronger, within bounds (:func:`stored_hash_problem`): a hash that is missing, empty,
malformed, weak (``scrypt$2$1$1``) or absurdly costly means "the kiosk is not set up", never
"anyone may set a PIN" and never an exception. Provisioning is the administrator's act, outside
the visitor's screen: ``main.py kiosk set-pin`` (core/kiosk_cli.py).

Guessing. :class:`PinLock` counts wrong PINs in a small JSON file beside ``settings.json``
(written atomically) so the count survives closing the pad and restarting the kiosk. Each wrong
PIN costs a pause (``WRONG_PIN_DELAY``); from the ``FREE_ATTEMPTS``-th wrong PIN on, the pad is
locked for ``LOCKOUT_FIRST`` seconds, doubling with every further wrong PIN up to
``LOCKOUT_MAX``. The attempt is recorded *before* the PIN is checked, so pulling the plug after a
wrong guess does not undo its count. The clock is injectable (tests need not sleep).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from core.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

PIN_PATTERN = re.compile(r"[0-9]{4,12}")      # ASCII digits only: \d also matches １２３４
PIN_MAX_LENGTH = 12
SCHEME = "scrypt"
# scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB and about 50 ms per check on the kiosk hardware.
N, R, P = 2**14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
# What a stored hash may ask for. The minimum is our own cost (anything cheaper was not written by
# us, or was weakened); the maxima keep a planted hash from making every check take minutes or
# more memory than MAXMEM (then hashlib would raise on every submit).
MIN_N, MAX_N = 2**14, 2**20
MIN_R, MAX_R = 8, 32
MIN_P, MAX_P = 1, 16
MAXMEM = 64 * 1024 * 1024

WRONG_PIN_DELAY = 1.0        # seconds the pad waits after each of the first wrong PINs
FREE_ATTEMPTS = 5            # the 5th wrong PIN in a row starts the lockout
LOCKOUT_FIRST = 60.0         # seconds, doubled for every further wrong PIN …
LOCKOUT_MAX = 3600.0         # … up to one hour per guess
LOCK_FILE = "kiosk-lockout.json"

UNREADABLE = "自助终端管理密码的存储格式无法识别或强度不足，本机暂停服务；请管理员用 kiosk set-pin 重新设置"


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
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM, dklen=HASH_BYTES)


def hash_pin(pin: str) -> str:
    problem = pin_problem(pin)
    if problem:
        raise PinError(problem)
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _derive(pin, salt, N, R, P)
    b64 = base64.b64encode
    return f"{SCHEME}${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def _parse(stored: object) -> tuple[int, int, int, bytes, bytes]:
    """(n, r, p, salt, hash) of a stored hash we accept; ValueError (English, for the log) if not."""
    if not isinstance(stored, str) or not stored:
        raise ValueError("no stored hash")
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise ValueError("not scrypt$n$r$p$salt$hash")
    if not all(re.fullmatch(r"[1-9][0-9]{0,9}", part) for part in parts[1:4]):
        raise ValueError("n, r and p must be plain positive integers")
    n, r, p = (int(part) for part in parts[1:4])
    if n & (n - 1) or not MIN_N <= n <= MAX_N:
        raise ValueError(f"n={n} is not a power of two in {MIN_N}..{MAX_N}")
    if not MIN_R <= r <= MAX_R or not MIN_P <= p <= MAX_P:
        raise ValueError(f"r={r}, p={p} outside {MIN_R}..{MAX_R}, {MIN_P}..{MAX_P}")
    if 128 * n * r > MAXMEM // 2:           # hashlib needs a little more than 128·n·r
        raise ValueError(f"n·r = {n * r} needs more than the memory allowed")
    try:
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("salt or hash is not base64") from None
    if not SALT_BYTES <= len(salt) <= 64 or len(digest) != HASH_BYTES:
        raise ValueError(f"salt of {len(salt)} bytes or hash of {len(digest)} bytes")
    return n, r, p, salt, digest


def stored_hash_problem(stored: object) -> str | None:
    """Why the stored hash cannot be used (English, for the log), or None when it can."""
    try:
        _parse(stored)
    except ValueError as exc:
        return str(exc)
    return None


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the stored hash (compared in constant time); PinError when the
    stored hash cannot be read or is weaker than allowed."""
    try:
        n, r, p, salt, expected = _parse(stored)
    except ValueError as exc:
        log.warning("kiosk PIN hash refused: %s", exc)
        raise PinError(UNREADABLE) from None
    if not PIN_PATTERN.fullmatch(pin or ""):
        return False
    return hmac.compare_digest(_derive(pin, salt, n, r, p), expected)


# -- guessing ------------------------------------------------------------------------------------

def wait_after(failures: int) -> float:
    """Seconds before the next attempt after `failures` wrong PINs in a row."""
    if failures <= 0:
        return 0.0
    if failures < FREE_ATTEMPTS:
        return WRONG_PIN_DELAY
    return min(LOCKOUT_FIRST * 2 ** min(failures - FREE_ATTEMPTS, 32), LOCKOUT_MAX)


class PinLocked(PinError):
    """An attempt while the pad is locked; ``seconds`` until the next one is allowed."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"locked for {seconds:.0f} s")


class PinLock:
    """Wrong PINs in a row and when the next attempt is allowed, kept in ``path`` (JSON).

    ``clock`` gives wall-clock seconds (``time.time``): the lock must outlast a restart, so a
    monotonic clock would not do. A clock set back cannot lengthen a lock beyond what the count
    allows (:meth:`remaining` is capped by :func:`wait_after`). A lock file that cannot be read
    counts as ``FREE_ATTEMPTS`` failures — tampering does not buy free guesses.
    """

    def __init__(self, path: Path, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.clock = clock
        self.failures, self.until = self._load()

    @classmethod
    def beside(cls, settings_path: Path, clock: Callable[[], float] = time.time) -> PinLock:
        return cls(Path(settings_path).with_name(LOCK_FILE), clock)

    def _load(self) -> tuple[int, float]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return 0, 0.0
        except OSError as exc:
            log.warning("kiosk lockout file %s unreadable: %s", self.path, exc)
            return FREE_ATTEMPTS, self.clock() + wait_after(FREE_ATTEMPTS)
        try:
            data = json.loads(raw)
            failures, until = data["failures"], data["locked_until"]
            if (type(failures) is not int or failures < 0 or isinstance(until, bool)
                    or not isinstance(until, (int, float)) or until != until):
                raise ValueError("wrong types")
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            log.warning("kiosk lockout file %s damaged (%s): counted as locked", self.path, exc)
            return FREE_ATTEMPTS, self.clock() + wait_after(FREE_ATTEMPTS)
        return failures, float(until)

    def _save(self) -> None:
        payload = json.dumps({"failures": self.failures, "locked_until": self.until}).encode()
        atomic_write_bytes(self.path, payload, make_folder=True)

    def remaining(self) -> float:
        """Seconds until a PIN may be tried again; 0 when it may be tried now."""
        left = self.until - self.clock()
        return max(0.0, min(left, wait_after(self.failures)))

    def attempt(self, pin: str, stored: str) -> bool:
        """Check `pin` against the stored hash, counting a wrong one.

        Raises PinLocked while locked, PinError when the stored hash cannot be used or the
        attempt cannot be recorded (then it is not checked: an uncounted guess would be free)."""
        left = self.remaining()
        if left > 0:
            raise PinLocked(left)
        try:
            _parse(stored)
        except ValueError:
            return verify_pin(pin, stored)          # raises PinError, logged there
        previous = self.failures, self.until
        self.failures += 1
        self.until = self.clock() + wait_after(self.failures)
        try:
            self._save()
        except OSError as exc:
            self.failures, self.until = previous
            log.warning("kiosk lockout file %s not written: %s", self.path, exc)
            raise PinError(f"无法记录登录尝试（{exc.strerror or exc}），暂不能验证管理密码") from None
        if not verify_pin(pin, stored):
            return False
        self.reset()
        return True

    def reset(self) -> None:
        """Forget the wrong PINs (the right PIN, or a new PIN set by the administrator)."""
        self.failures, self.until = 0, 0.0
        try:
            self._save()
        except OSError as exc:
            log.warning("kiosk lockout file %s not reset: %s", self.path, exc)
