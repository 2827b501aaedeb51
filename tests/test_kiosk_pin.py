"""The kiosk administrator PIN: only a salted scrypt hash is ever stored (core/kiosk.py)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.kiosk import PinError, hash_pin, pin_problem, verify_pin

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
