"""Re-spells canonical values the way other source systems write them, so normalisation has work.

Every spelling here must canonicalise back to the input through cdp.profiles.validators.
"""

from __future__ import annotations

import random

_FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def mobile(rng: random.Random, canonical: str) -> str:
    """Writes a mobile as 13812345678, +86 138 1234 5678, 138-1234-5678, 0086…, or full width."""
    m, u = canonical, rng.random()
    if u < 0.55:
        return m
    if u < 0.70:
        return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
    if u < 0.82:
        return f"{m[:3]}-{m[3:7]}-{m[7:]}"
    if u < 0.90:
        return f"{m[:3]} {m[3:7]} {m[7:]}"
    if u < 0.95:
        return f"{rng.choice(('0086', '86', '+86'))}{m}"
    return m.translate(_FULL_WIDTH)


def id_number(rng: random.Random, canonical: str) -> str:
    """Writes an ID with a lower-case x, in full-width digits or in spaced groups now and then."""
    n = canonical
    if n.endswith("X") and rng.random() < 0.5:
        n = n[:-1] + "x"
    u = rng.random()
    if u < 0.04:
        return n.translate(_FULL_WIDTH)
    if u < 0.08 and len(n) == 18:
        return f"{n[:6]} {n[6:14]} {n[14:]}"
    return n


def card(rng: random.Random, canonical: str) -> str:
    """Writes a card number plain, in groups of four separated by spaces, or by hyphens."""
    u = rng.random()
    if u >= 0.35:
        return canonical
    groups = [canonical[i : i + 4] for i in range(0, len(canonical), 4)]
    return (" " if u < 0.3 else "-").join(groups)


def email(rng: random.Random, canonical: str) -> str:
    """Writes an e-mail address with capitals now and then (addresses compare case-blind)."""
    u = rng.random()
    if u < 0.05:
        return canonical.upper()
    return canonical[:1].upper() + canonical[1:] if u < 0.12 else canonical


def name(rng: random.Random, canonical: str) -> str:
    """Writes a Chinese name with a space after the surname now and then."""
    if rng.random() < 0.03 and len(canonical) > 2 and canonical.isalpha():
        return f"{canonical[0]} {canonical[1:]}"
    return canonical
