"""Contact details: mobile, landline, e-mail and IP address masks (DOMAIN.md §4.2, §13.3-4)."""

from __future__ import annotations

import ipaddress
import re

from masking.formats import normalise_width
from masking.operators.base import MaskOperator, keep_ends, stars
from masking.operators.rules import MaskRule

_PHONE_PUNCTUATION = re.compile(r"[\s\-()]")
_LANDLINE = re.compile(
    r"(?:(?:\+|00)86[\s-]*\(?0?|\(?0)([12]\d|[3-9]\d\d)\)?[\s-]*(\d{3,4})[\s-]?(\d{4})"
    r"(?:[\s-]*(?:转|分机|ext\.?|#|-)[\s-]*(\d{1,6}))?",
    re.IGNORECASE,
)
_HOSTNAME = re.compile(r"(?=.*\.)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_LONG_DIGITS = re.compile(r"\d{7,}")


class MobileOperator(MaskOperator):
    """M-MOBILE: first 3 + last 4 of the national number, whatever prefix or spacing was typed."""

    name = MaskRule.MOBILE

    def _mask(self, value: str, variant: str | None) -> str:
        number = _PHONE_PUNCTUATION.sub("", normalise_width(value))
        for prefix in ("+86", "0086", "+"):
            if number.startswith(prefix):
                number = number.removeprefix(prefix)
                break
        if len(number) == 13 and number.startswith("86"):
            number = number[2:]
        if not number.isdigit():
            return stars(len(number))
        return keep_ends(number, 3, 4, min_hidden=4)


class TelOperator(MaskOperator):
    """M-TEL: area code (with trunk 0) + last 2 of the local number; an extension is hidden."""

    name = MaskRule.TEL

    def _mask(self, value: str, variant: str | None) -> str:
        text = normalise_width(value).strip()
        parsed = _LANDLINE.fullmatch(text)
        if parsed is None:
            digits = "".join(c for c in text if c.isdigit())
            return keep_ends(digits, 0, 2, min_hidden=5) if len(digits) >= 7 else stars(len(text))
        area, first, last, extension = parsed.groups()
        local = first + last
        masked = f"0{area}{stars(len(local) - 2)}{local[-2:]}"
        return f"{masked}-{stars(len(extension))}" if extension else masked


class EmailOperator(MaskOperator):
    """M-EMAIL: first character of the local part, then stars, then the full domain."""

    name = MaskRule.EMAIL

    def _mask(self, value: str, variant: str | None) -> str:
        text = value.strip()
        local, at, domain = text.rpartition("@")
        # A domain is shown only when it looks like a host name and not like a phone number.
        if not at or not local or not _HOSTNAME.fullmatch(domain) or _LONG_DIGITS.search(domain):
            return stars(len(text))
        shown = local[0] if len(local) > 1 else "*"
        return f"{shown}{stars(len(local) - 1)}@{domain}"


class IpOperator(MaskOperator):
    """M-IP: first octet of IPv4 (`192.*.*.*`) or first hextet of IPv6 (`2001:*`)."""

    name = MaskRule.IP

    def _mask(self, value: str, variant: str | None) -> str:
        text = value.strip()
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return stars(len(text))
        if address.version == 4:
            return f"{address.exploded.split('.')[0]}.*.*.*"
        return f"{int(address.exploded.split(':')[0], 16):x}:*"
