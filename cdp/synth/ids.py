"""Checksum-valid synthetic identifiers: resident IDs, mobiles, landlines and UnionPay cards."""

from __future__ import annotations

import random
from datetime import date

from cdp.synth.tables import REGIONS
from masking.formats import CN_MOBILE_RE, cn_id_check_char, luhn_check_digit

# Three-digit prefixes on which every number is allocated (so 1740x and 1610 drop out).
MOBILE_PREFIXES = tuple(
    p
    for p in map(str, range(130, 200))
    if all(CN_MOBILE_RE.fullmatch(f"{p}{d}0000000") for d in "0123456789")
)
# Issuer prefixes of common mainland debit (19-digit) and credit (16-digit) cards.
DEBIT_BINS = ("622202", "622848", "621700", "623668", "621483", "622588", "621226", "622609")
CREDIT_BINS = ("625911", "622155", "628288", "625807", "622575", "625968")


def resident_id(rng: random.Random, birth: date, gender: str, region: str | None = None) -> str:
    """Makes an 18-character resident ID whose sequence parity matches `gender` (M odd, F even)."""
    area = region or rng.choice(REGIONS).code
    sequence = rng.randrange(1 if gender == "M" else 2, 1000, 2)
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + cn_id_check_char(first17)


def mobile(rng: random.Random) -> str:
    """Makes an 11-digit mobile number on an allocated prefix."""
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def landline(rng: random.Random, area_code: str | None = None) -> str:
    """Makes a canonical fixed-line number (`0755-26543210`) in the given or a random area."""
    area = area_code or rng.choice(REGIONS).area_code
    length = 8 if len(area) == 3 else rng.choice((7, 8, 8))
    return f"{area}-{rng.randrange(2, 9)}{rng.randrange(10 ** (length - 1)):0{length - 1}d}"


def unionpay_card(rng: random.Random, length: int | None = None) -> str:
    """Makes a Luhn-valid 62xxxx card number: 19 digits for debit cards, 16 for credit cards."""
    length = length or rng.choice((16, 19))
    bin_ = rng.choice(CREDIT_BINS if length == 16 else DEBIT_BINS)
    body = bin_ + f"{rng.randrange(10 ** (length - 7)):0{length - 7}d}"
    return body + luhn_check_digit(body)
