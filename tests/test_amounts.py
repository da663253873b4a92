"""Money amounts as tenders write them, and text that must not yield an amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from isv_checker.checks.amounts import find_amounts, parse_number


@pytest.mark.parametrize(
    ("text", "euros", "quoted"),
    [
        ("EUR 2.400.000", "2400000", "EUR 2.400.000"),
        ("€ 2.400.000,- excl. btw", "2400000", "€ 2.400.000,-"),
        ("€ 1,2 miljoen", "1200000", "€ 1,2 miljoen"),
        ("circa 850.000 euro excl. btw", "850000", "850.000 euro"),
        ("EUR 3.5 million", "3500000", "EUR 3.5 million"),
        ("k€ 450", "450000", "k€ 450"),
        ("€450k", "450000", "€450k"),
        ("EUR 2,400,000.00", "2400000", "EUR 2,400,000.00"),
        ("3,5 miljoen euro", "3500000", "3,5 miljoen euro"),
        ("€ 12,50 per stuk", "12.5", "€ 12,50"),
        ("€ 140\u00a0000", "140000", "€ 140\u00a0000"),
        ("maximaal € 5 mln. per jaar", "5000000", "€ 5 mln."),
        ("omzet van ten minste 1.200 k€ per jaar", "1200000", "1.200 k€"),
        ("ca. 850.000 € excl. btw", "850000", "850.000 €"),
        ("1,2 M€ over de looptijd", "1200000", "1,2 M€"),
        ("tussen € 1 en 1,5 miljoen exclusief btw", "1500000", "€ 1 en 1,5 miljoen"),
        ("geraamd op twee miljoen euro", "2000000", "twee miljoen euro"),
        ("anderhalf miljoen euro", "1500000", "anderhalf miljoen euro"),
        ("driehonderdduizend euro", "300000", "driehonderdduizend euro"),
        ("three hundred thousand euros", "300000", "three hundred thousand euros"),
    ],
)
def test_amounts(text, euros, quoted):
    (amount,) = find_amounts(text)
    assert amount.euros == Decimal(euros)
    assert amount.text == quoted
    assert text[amount.start : amount.end] == quoted


@pytest.mark.parametrize(
    "text",
    ["2024", "artikel 2.81", "5% van de opdrachtwaarde", "CPV 30213100-6", "m2", "twee miljoen inwoners", "Europa"],
)
def test_no_amount(text):
    assert find_amounts(text) == []


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.200", "1200"),
        ("3.5", "3.5"),
        ("1,25", "1.25"),
        ("1.234.567,89", "1234567.89"),
        ("1.2.3", None),
        ("12 34", None),
    ],
)
def test_parse_number(raw, value):
    assert parse_number(raw) == (Decimal(value) if value else None)


@given(st.text(alphabet="0123456789.,€ EURmiljoen k-\u00a0", max_size=40))
def test_never_raises(text):
    for amount in find_amounts(text):
        assert amount.euros >= 0
        assert text[amount.start : amount.end] == amount.text


@given(st.text(alphabet="0123456789.,€ EURouromiljenthusadkK-\u00a0", max_size=60))
def test_the_quick_filter_never_hides_an_amount(text):
    """find_amounts skips text that `_may_hold_amount` rules out; that must never drop a match of
    the full pattern (the digit windows around a currency word are exact, not a guess)."""
    from isv_checker.checks.amounts import _AMOUNT_RE, _may_hold_amount

    if _AMOUNT_RE.search(text):
        assert _may_hold_amount(text)
