"""The scrypt cost of a wrapped bid key is recorded with it; trusted code (the demo) may lower it within a floor."""

from __future__ import annotations

import pytest

from zhengwu.core.crypto import DecryptionError
from zhengwu.trading import sealing

SECRET = b"k" * 16


def test_a_key_is_wrapped_at_the_standard_cost_and_labelled_with_it():
    salt, sealed, label = sealing.wrap_with_passphrase(SECRET, passphrase="open-sesame-1", context=b"c")
    assert label == "scrypt:16384:8:1"
    assert sealing.unwrap_with_passphrase(sealed, passphrase="open-sesame-1", salt=salt, kdf=label,
                                          context=b"c") == SECRET


def test_inside_kdf_cost_the_lower_cost_is_used_recorded_and_honoured_when_unwrapping():
    with sealing.kdf_cost(2 ** 10):
        salt, sealed, label = sealing.wrap_with_passphrase(SECRET, passphrase="open-sesame-1", context=b"c")
    assert label == "scrypt:1024:8:1"
    assert sealing.wrap_with_passphrase(SECRET, passphrase="x" * 8, context=b"c")[2] == "scrypt:16384:8:1"
    assert sealing.unwrap_with_passphrase(sealed, passphrase="open-sesame-1", salt=salt, kdf=label,
                                          context=b"c") == SECRET
    with pytest.raises(DecryptionError):
        sealing.unwrap_with_passphrase(sealed, passphrase="open-sesame-1", salt=salt, kdf="scrypt:16384:8:1",
                                       context=b"c")


@pytest.mark.parametrize("n", [2 ** 9, 1000, 0])
def test_a_cost_below_the_floor_or_not_a_power_of_two_is_refused(n):
    with pytest.raises(ValueError):
        with sealing.kdf_cost(n):
            pass


def test_a_stored_label_below_the_floor_is_not_honoured():
    with pytest.raises(DecryptionError):
        sealing.unwrap_with_passphrase(b"x" * 40, passphrase="open-sesame-1", salt=b"s" * 16,
                                       kdf="scrypt:512:8:1", context=b"c")
