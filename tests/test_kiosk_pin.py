"""The kiosk administrator PIN: only a salted scrypt hash is ever stored (core/kiosk.py); a stored
hash is trusted only within bounds (issue 15 item 3); wrong PINs lock the pad, escalating, across
restarts (item 1)."""
from __future__ import annotations

import base64
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.kiosk import (
    FREE_ATTEMPTS,
    LOCKOUT_FIRST,
    LOCKOUT_MAX,
    WRONG_PIN_DELAY,
    PinError,
    PinLock,
    PinLocked,
    hash_pin,
    pin_problem,
    stored_hash_problem,
    verify_pin,
    wait_after,
)

PINS = st.text(alphabet="0123456789", min_size=4, max_size=12).filter(lambda p: len(set(p)) > 1)


def test_the_hash_holds_no_pin_and_is_salted():
    first, second = hash_pin("482915"), hash_pin("482915")
    assert "482915" not in first
    assert first != second                          # a new salt each time
    assert first.startswith("scrypt$")
    assert verify_pin("482915", first) and verify_pin("482915", second)


@settings(max_examples=15, deadline=None)          # scrypt is slow on purpose
@given(PINS, PINS)
def test_only_the_right_pin_verifies(pin, other):
    stored = hash_pin(pin)
    assert verify_pin(pin, stored)
    assert verify_pin(other, stored) == (other == pin)


@pytest.mark.parametrize("pin", ["", "123", "1234567890123", "12a4", "１２３４", "0000", " 1234"])
def test_pins_that_break_the_rule(pin):
    assert pin_problem(pin)
    with pytest.raises(PinError):
        hash_pin(pin)


def test_a_wrong_shape_of_pin_never_matches():
    stored = hash_pin("2468")
    assert not verify_pin("", stored)
    assert not verify_pin("2468 ", stored)
    assert not verify_pin("２４６８", stored)


@pytest.mark.parametrize("stored", ["", "2468", "md5$abc", "scrypt$16384$8$1$!!$??",
                                    "scrypt$x$8$1$AA==$AA=="])
def test_an_unreadable_stored_hash_is_an_error_not_a_pass(stored):
    with pytest.raises(PinError):
        verify_pin("2468", stored)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


SALT = bytes(range(16))


def stored(n=2**14, r=8, p=1, salt=SALT, pin="2468", digest=None) -> str:
    """A stored hash with the given parameters, correct for `pin` where scrypt can compute it."""
    if digest is None:
        digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**30)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


@pytest.mark.parametrize("bad", [
    stored(n=2, r=1, p=1),                               # the weak hash of the issue
    stored(n=2**13),                                     # cheaper than ours
    stored(r=4),
    stored(n=16385, digest=bytes(32)),                   # not a power of two: crashed every submit
    stored(n=2**30, digest=bytes(32)),                   # far too costly: a planted denial of service
    stored(n=2**14, r=10**6, digest=bytes(32)),
    stored(p=0, digest=bytes(32)),
    stored(p=10**9, digest=bytes(32)),
    stored(salt=b"short"),
    stored(digest=bytes(16)),
    stored().replace("$8$", "$08$"),
    stored().replace("$8$", "$-8$"),
    stored() + "$extra",
    None, 42, ["scrypt"],
])
def test_weak_or_malformed_stored_hashes_cannot_be_read(bad):
    assert stored_hash_problem(bad)
    with pytest.raises(PinError):
        verify_pin("2468", bad)


def test_our_own_hash_and_a_stronger_one_are_accepted():
    assert stored_hash_problem(hash_pin("2468")) is None
    stronger = stored(n=2**15, r=8, p=2)
    assert stored_hash_problem(stronger) is None and verify_pin("2468", stronger)


# -- the lockout ---------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def right():
    return hash_pin("2468")


def test_the_waits_escalate_and_are_capped():
    waits = [wait_after(k) for k in range(1, FREE_ATTEMPTS + 10)]
    assert waits[:FREE_ATTEMPTS - 1] == [WRONG_PIN_DELAY] * (FREE_ATTEMPTS - 1)
    assert waits[FREE_ATTEMPTS - 1:FREE_ATTEMPTS + 2] == [LOCKOUT_FIRST, 2 * LOCKOUT_FIRST, 4 * LOCKOUT_FIRST]
    assert max(waits) == LOCKOUT_MAX == waits[-1]
    assert wait_after(10**6) == LOCKOUT_MAX              # no overflow for a huge count


def test_the_count_is_kept_on_disk_and_read_by_a_new_lock(tmp_path, right):
    clock = Clock()
    lock = PinLock(tmp_path / "lock.json", clock)
    for _i in range(FREE_ATTEMPTS):
        assert lock.attempt("1357", right) is False
        clock.now += WRONG_PIN_DELAY
    assert lock.failures == FREE_ATTEMPTS
    restarted = PinLock(tmp_path / "lock.json", clock)
    assert restarted.remaining() == pytest.approx(LOCKOUT_FIRST - WRONG_PIN_DELAY)
    with pytest.raises(PinLocked):
        restarted.attempt("2468", right)                 # not even tried while locked
    clock.now += LOCKOUT_FIRST
    assert restarted.attempt("2468", right) is True
    assert PinLock(tmp_path / "lock.json", clock).failures == 0


def test_a_clock_set_back_does_not_lengthen_the_lock(tmp_path, right):
    clock = Clock()
    lock = PinLock(tmp_path / "lock.json", clock)
    lock.attempt("1357", right)
    clock.now -= 10 * 365 * 86400
    assert lock.remaining() == WRONG_PIN_DELAY


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"failures": -1, "locked_until": 0}',
                                     b'{"failures": "9", "locked_until": 0}',
                                     b'{"failures": 0, "locked_until": NaN}'])
def test_a_damaged_lock_file_counts_as_locked(tmp_path, right, content):
    (tmp_path / "lock.json").write_bytes(content)
    clock = Clock()
    lock = PinLock(tmp_path / "lock.json", clock)
    assert lock.remaining() == LOCKOUT_FIRST
    with pytest.raises(PinLocked):
        lock.attempt("2468", right)


def test_an_attempt_that_cannot_be_recorded_is_not_checked(tmp_path, right, monkeypatch):
    import core.kiosk as kiosk

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(kiosk, "atomic_write_bytes", disk_full)
    lock = PinLock(tmp_path / "lock.json", Clock())
    with pytest.raises(PinError) as exc:
        lock.attempt("2468", right)                      # even the right PIN: an uncounted guess is free
    assert not isinstance(exc.value, PinLocked) and "无法记录" in str(exc.value)
    assert lock.failures == 0


def test_a_lock_file_that_cannot_be_read_counts_as_locked(tmp_path, right):
    (tmp_path / "not-a-folder").write_text("x")
    lock = PinLock(tmp_path / "not-a-folder" / "lock.json", Clock())
    with pytest.raises(PinLocked):
        lock.attempt("2468", right)


def test_the_attempt_is_on_disk_before_the_pin_is_checked(tmp_path, right, monkeypatch):
    """Pulling the plug during the (slow) check must not undo the count."""
    import core.kiosk as kiosk
    path = tmp_path / "lock.json"
    seen = []

    def derive(*args, **kwargs):
        seen.append(json.loads(path.read_bytes())["failures"])
        raise SystemExit("power cut")
    monkeypatch.setattr(kiosk, "_derive", derive)
    with pytest.raises(SystemExit):
        PinLock(path, Clock()).attempt("1357", right)
    assert seen == [1] and PinLock(path, Clock()).failures == 1
