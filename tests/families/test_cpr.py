from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from samspil.families.cpr import (
    cpr_lookup_hash,
    decrypt_cpr,
    encrypt_cpr,
    format_cpr,
    normalise_cpr,
)

dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2029, 12, 31))
serials = st.integers(min_value=0, max_value=9999)


@given(born=dates, serial=serials, dash=st.booleans())
def test_cpr_round_trips_through_encryption(born: dt.date, serial: int, dash: bool) -> None:
    cpr = f"{born:%d%m%y}{'-' if dash else ''}{serial:04d}"
    digits = normalise_cpr(cpr)
    assert decrypt_cpr(encrypt_cpr(cpr)) == digits
    assert format_cpr(digits) == f"{born:%d%m%y}-{serial:04d}"


@given(born=dates, serial=serials)
def test_cpr_hash_is_the_same_with_or_without_dash(born: dt.date, serial: int) -> None:
    plain = f"{born:%d%m%y}{serial:04d}"
    assert cpr_lookup_hash(plain) == cpr_lookup_hash(f"{plain[:6]}-{plain[6:]}")


def test_cpr_encryption_is_not_deterministic() -> None:
    assert encrypt_cpr("0101801234") != encrypt_cpr("0101801234")


@pytest.mark.parametrize(
    "value", ["", "123", "3202801234", "0113801234", "01018012345", "abcdefghij"]
)
def test_malformed_cpr_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        normalise_cpr(value)
