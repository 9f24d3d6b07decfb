"""Shared helpers for the masking.detect tests: one detector per process, checksum-valid values."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from masking.detect import PiiDetector, build_detector, load_detector_config
from masking.formats import cn_id_check_char, luhn_check_digit, uscc_check_char

POLICY = Path(__file__).resolve().parents[2] / "policies" / "recognizers.yaml"
# Names "the platform holds" in these tests; all synthetic.
KNOWN_NAMES = ("赵一鸣", "钱多多", "Ada Lovelace")


@cache
def detector() -> PiiDetector:
    """Builds the shipped policy once per test process (the jieba lexicon takes ~1 s)."""
    return build_detector(load_detector_config(POLICY), known_names=KNOWN_NAMES)


def found(text: str) -> list[tuple[str, str]]:
    """Runs the detector and returns (type, matched text) pairs, in order."""
    return [(d.type, text[d.start : d.end]) for d in detector().analyze(text)]


def resident_id(first17: str = "11010519491231002") -> str:
    """Completes 17 digits into a valid 18-character resident ID."""
    return first17 + cn_id_check_char(first17)


def wrong_check(valid: str) -> str:
    """Returns the value with its last (check) character replaced by a wrong one."""
    last = valid[-1]
    return valid[:-1] + ("0" if last != "0" else "1")


def luhn_card(body: str = "622202123456789012") -> str:
    """Completes a card body with its Luhn digit."""
    return body + luhn_check_digit(body)


def uscc(first17: str = "91110000600037341") -> str:
    """Completes 17 symbols into a valid unified social credit code."""
    return first17 + uscc_check_char(first17)


def full_width(ascii_text: str) -> str:
    """Writes digits and letters in their full-width forms, as some IMEs type them."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in ascii_text)
