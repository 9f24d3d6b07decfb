"""Surface forms of PII in free text, and look-alikes that are not PII (hard negatives).

Positives are checksum-valid (reusing `cdp.synth.ids`) but written the many ways people type
them: glued, spaced, hyphenated, with +86/0086, in full-width digits. Negatives keep the shape of
a positive and break the one property that makes it PII (check digit, prefix, purpose).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

import phonenumbers

from cdp.synth import ids
from cdp.synth.people import street_address
from cdp.synth.tables import REGIONS
from masking.formats import cn_id_check_char, luhn_ok, uscc_check_char

FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－",
)
USCC_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_SYMBOLS = PLATE_LETTERS + "0123456789"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def full_width(text: str, rng: random.Random, share: float) -> str:
    """Rewrites digits and capitals full-width for a share of values, as IMEs often do."""
    return text.translate(FULL_WIDTH) if rng.random() < share else text


def birth_date(rng: random.Random) -> date:
    """Draws a birth date of an adult or older minor customer."""
    return date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 68))


def resident_id(rng: random.Random) -> str:
    """Writes a valid 18-character ID, sometimes with a lower-case x or full-width digits."""
    number = ids.resident_id(rng, birth_date(rng), rng.choice("MF"))
    if number.endswith("X") and rng.random() < 0.3:
        number = number[:-1] + "x"
    if rng.random() < 0.05:
        number = f"{number[:6]} {number[6:14]} {number[14:]}"
    return full_width(number, rng, 0.06)


def legacy_id(rng: random.Random) -> str:
    """Writes a 15-digit first-generation ID (no check digit); templates add the context."""
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    return f"{rng.choice(REGIONS).code}{born:%y%m%d}{rng.randrange(1, 1000):03d}"


def mobile(rng: random.Random) -> str:
    """Writes a valid mobile: plain, 3-4-4 spaced or hyphenated, with +86 / 0086, full-width."""
    n = ids.mobile(rng)
    sep = rng.choice(("", "", "", " ", "-"))
    body = f"{n[:3]}{sep}{n[3:7]}{sep}{n[7:]}"
    prefix = rng.choices(("", "+86 ", "+86", "0086 ", "+86-"), weights=(80, 8, 5, 4, 3))[0]
    return full_width(prefix + body, rng, 0.05)


def landline(rng: random.Random) -> str:
    """Writes a fixed-line number with its area code: hyphen, space, brackets or glued."""
    area, local = _allocated_landline(rng).split("-")
    style = rng.randrange(4)
    if style == 0:
        return f"{area}-{local}"
    if style == 1:
        return f"({area}){local}" if rng.random() < 0.5 else f"（{area}）{local}"
    return f"{area} {local}" if style == 2 else f"{area}{local}"


def _allocated_landline(rng: random.Random) -> str:
    """Draws until libphonenumber accepts the number (local lengths differ by city)."""
    while True:
        number = ids.landline(rng)
        if phonenumbers.is_valid_number(phonenumbers.parse(number.replace("-", ""), "CN")):
            return number


def bank_card(rng: random.Random) -> str:
    """Writes a Luhn-valid UnionPay card: glued, in groups of four, or full-width."""
    n = ids.unionpay_card(rng)
    if rng.random() < 0.35:
        sep = rng.choice((" ", " ", "-"))
        n = sep.join(n[i : i + 4] for i in range(0, len(n), 4))
    return full_width(n, rng, 0.04)


def uscc(rng: random.Random, individual: bool = True) -> str:
    """Makes a valid credit code: 92 (个体工商户) or 91 (企业), region, org code, check."""
    body = "".join(rng.choice(USCC_SYMBOLS) for _ in range(6))
    org8 = "MA" + body
    total = sum(_org_value(c) * w for c, w in zip(org8, _ORG_WEIGHTS, strict=True))
    inner = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    first17 = f"9{'2' if individual else '1'}{rng.choice(REGIONS).code}{org8}{inner}"
    return first17 + uscc_check_char(first17)


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def passport(rng: random.Random) -> str:
    """Makes a passport or permit number: E+8, E+letter+7, G+8, C+8 (往来港澳通行证)."""
    kind = rng.randrange(4)
    if kind == 1:
        return f"E{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randrange(10**7):07d}"
    return f"{'EGCE'[kind]}{rng.randrange(10**8):08d}"


def plate(rng: random.Random) -> str:
    """Makes an ordinary (7-character, ≤ 2 letters in the serial) or new-energy (8) plate."""
    head = rng.choice(PLATE_PROVINCES) + rng.choice(PLATE_LETTERS)
    if rng.random() < 0.25:
        return f"{head}{rng.choice('DF')}{rng.choice(PLATE_SYMBOLS)}{rng.randrange(10**4):04d}"
    serial = [str(rng.randrange(10)) for _ in range(5)]
    for i in rng.sample(range(5), rng.choice((0, 1, 1, 2))):  # at most two letters per serial
        serial[i] = rng.choice(PLATE_LETTERS)
    return head + "".join(serial)


def ip_address(rng: random.Random) -> str:
    """Makes an IPv4 address in private or documentation ranges (never a real host)."""
    first = rng.choice(("10", "192.168", "172.16", "203.0.113", "198.51.100"))
    missing = 4 - first.count(".") - 1
    return ".".join([first, *(str(rng.randrange(1, 255)) for _ in range(missing))])


def bad_resident_id(rng: random.Random) -> str:
    """Makes an ID-shaped number whose check character is wrong."""
    number = ids.resident_id(rng, birth_date(rng), rng.choice("MF"))
    wrong = rng.choice([c for c in "0123456789X" if c != cn_id_check_char(number[:17])])
    return number[:17] + wrong


def luhn_failing(rng: random.Random) -> str:
    """Makes a 16–19 digit number that fails Luhn; some start with 62 like a card."""
    length = rng.choice((16, 17, 18, 19))
    head = rng.choice(("62", "20", "88", "31"))
    while True:
        n = head + "".join(str(rng.randrange(10)) for _ in range(length - 2))
        if not luhn_ok(n):
            return n


def bad_mobile(rng: random.Random) -> str:
    """Makes an 11-digit number on a prefix that is not a mobile one (member/ticket numbers)."""
    prefix = rng.choice(("120", "128", "100", "154", "179", "194", "149", "110"))
    return f"{prefix}{rng.randrange(10**8):08d}"


def order_number(rng: random.Random) -> str:
    """Makes an order, ticket or transaction reference."""
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(900))
    style = rng.randrange(4)
    if style == 0:
        return f"{day:%Y%m%d}{rng.randrange(10**8):08d}"
    if style == 1:
        return f"{rng.choice(('DD', 'GD', 'TS', 'WO'))}{day:%Y%m%d}{rng.randrange(10**4):04d}"
    if style == 2:
        return f"{day:%Y%m%d}-{rng.randrange(10**5):05d}"
    return f"T{day:%y%m%d}{rng.randrange(10**6):06d}"


def service_number(rng: random.Random) -> str:
    """Writes a corporate 400/800 number or a bank's 95xxx hotline."""
    kind = rng.randrange(4)
    if kind == 3:
        return rng.choice(("95588", "95533", "95599", "95566", "95555", "95595"))
    head = "400" if kind < 2 else "800"
    n = f"{rng.randrange(10**7):07d}"
    return rng.choice((f"{head}-{n[:3]}-{n[3:]}", f"{head}{n}", f"{head} {n[:3]} {n[3:]}"))


def date_text(rng: random.Random) -> str:
    """Writes a date the way notes do."""
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(1000))
    return rng.choice(
        (
            f"{day.year}年{day.month}月{day.day}日",
            day.isoformat(),
            f"{day:%Y%m%d}",
            f"{day:%Y/%m/%d}",
        )
    )


def time_text(rng: random.Random) -> str:
    """Writes a time of day."""
    h, m = rng.randrange(8, 21), rng.randrange(60)
    return rng.choice((f"{h}:{m:02d}", f"{h:02d}:{m:02d}:{rng.randrange(60):02d}", f"{h}点{m}分"))


def amount(rng: random.Random) -> str:
    """Writes an amount: ¥12,345.00, 3.5万元, 人民币50000元, RMB 1,200.00."""
    value = round(10 ** rng.uniform(2, 6.5))  # log-uniform: ¥100 to ¥3 million
    return rng.choice(
        (
            f"¥{value:,}.00",
            f"{value / 10000:.1f}万元",
            f"人民币{value}元",
            f"RMB {value:,}.{rng.randrange(100):02d}",
            f"{value}元",
            f"￥{value:,}",
        )
    )


def code(rng: random.Random) -> str:
    """Makes a branch, product or staff code."""
    return rng.choice(
        (
            f"{rng.randrange(10**4):04d}",
            f"ZY{rng.randrange(2020, 2027)}{rng.randrange(1000):03d}",
            f"C10{rng.randrange(10**10):010d}",
            f"A{rng.randrange(10**4):04d}",
            f"GS{rng.randrange(10**6):06d}",
        )
    )


ESTATES = ("阳光花园", "金色家园", "翠苑一区", "锦绣华庭", "万科城", "幸福里", "碧桂园", "世纪新城")


def full_address(rng: random.Random, streets: Sequence[str]) -> str:
    """Writes an address from the province or the city down to the number, building or room."""
    region = rng.choice(REGIONS)
    address = street_address(rng, region, streets)
    if region.city != region.province and rng.random() < 0.3:
        address = address.removeprefix(region.province)
    if rng.random() < 0.15:
        return f"{address.split('号', 1)[0]}号{rng.choice(ESTATES)}{_unit(rng)}"
    return address


def partial_address(rng: random.Random, streets: Sequence[str]) -> str:
    """Writes a district-and-road or road-and-estate address, as people often give it."""
    region = rng.choice(REGIONS)
    road = f"{rng.choice(streets)}{rng.randrange(1, 400)}号"
    style = rng.randrange(3)
    if style == 0:
        return f"{region.district}{road}"
    if style == 1:
        return f"{region.district}{road}{_unit(rng)}"
    return f"{road}{rng.choice(ESTATES)}{_unit(rng)}"


def _unit(rng: random.Random) -> str:
    room = f"{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室"
    return f"{rng.randrange(1, 30)}栋{rng.randrange(1, 7)}单元{room}"
