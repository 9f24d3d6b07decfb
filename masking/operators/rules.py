"""Rule ids of DOMAIN.md §4.2, the names a field catalogue uses to pick its mask."""

from __future__ import annotations

from enum import StrEnum


class MaskRule(StrEnum):
    """A display rule id; `NONE` is for C1 fields shown as they are."""

    NAME = "M-NAME"
    NAME_LATIN = "M-NAME-LATIN"
    ID = "M-ID"
    MOBILE = "M-MOBILE"
    TEL = "M-TEL"
    PAN = "M-PAN"
    EMAIL = "M-EMAIL"
    ADDR = "M-ADDR"
    DATE_Y = "M-DATE-Y"
    PASSPORT = "M-PASSPORT"
    PLATE = "M-PLATE"
    USCC = "M-USCC"
    AMT = "M-AMT"
    IP = "M-IP"
    GEN = "M-GEN"
    TEXT = "M-TEXT"
    NONE = "none"
