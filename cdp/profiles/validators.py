"""Validation at the ingest boundary: raw strings in, canonical strings out, reasons without values.

The canonical form is also the input of blind indexes, so search terms and ingested values must
go through the same validator (DOMAIN.md §13.11). This runs once per field on bulk ingest: keep
the common path to precompiled regexes and `isascii()` shortcuts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from governance.catalogue import FieldCatalogue, FieldSpec
from masking.formats import (
    CN_MOBILE_RE,
    cn_id_15_to_18,
    luhn_ok,
    normalise_width,
    resident_id_problem,
)

Validator = Callable[[str], str]
VALIDATORS: dict[str, Validator] = {}


class FieldInvalid(ValueError):
    """A raw value failed validation; `reason` is a short phrase that never contains the value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FieldError:
    """One refused field of a record: its name and why, never its value."""

    field: str
    reason: str


def register(name: str, fn: Validator) -> None:
    """Makes `fn` available under the validator name that fields.yaml refers to."""
    if name in VALIDATORS:
        raise ValueError(f"validator {name} is registered twice")
    VALIDATORS[name] = fn


@dataclass(slots=True)
class _Today:
    """Today's date in China Standard Time and the instant (epoch seconds) it ends."""

    day: date = date.min
    ends: float = 0.0


_TODAY = _Today()


def _today_cn() -> date:
    """Returns today in China Standard Time, whatever the server's zone; cached until midnight."""
    now = time.time()
    if now >= _TODAY.ends:
        days = int((now + 28800) // 86400)  # 28800 s = UTC+8
        _TODAY.day, _TODAY.ends = date.fromordinal(719163 + days), (days + 1) * 86400.0 - 28800
    return _TODAY.day


# --- person_name, gender ---------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAS_HAN = re.compile(f"[{_HAN}]")
_HAN_NAME = re.compile(f"[{_HAN}]+(?:·[{_HAN}]+)*")
_UNIFIED_HAN_NAME = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_LATIN_NAME = re.compile(f"[{_LATIN}]+(?:(?:[ '\\-]|\\. ?)[{_LATIN}]+)*\\.?")
_NAME_DOTS = str.maketrans(dict.fromkeys(".•・‧∙⋅", "·"))
_DIGIT = re.compile(r"\d")


def person_name(raw: str) -> str:
    """Canonicalises a Chinese (2-20 Han, `·` for minority names) or Latin-script name."""
    if _UNIFIED_HAN_NAME.fullmatch(raw) and 2 <= len(raw) <= 20:
        return raw  # the usual case; compatibility ideographs are not NFKC-stable, so excluded
    s = normalise_width(raw)
    if not s.isascii() and _HAS_HAN.search(s):
        if not _HAN_NAME.fullmatch(s):  # translate() is slow on Han text: only when needed
            s = "".join(s.split()).translate(_NAME_DOTS)
        if not _HAN_NAME.fullmatch(s):
            raise FieldInvalid(_name_problem(s, "not a valid Chinese name"))
        if not 2 <= len(s) - s.count("·") <= 20:
            raise FieldInvalid("not 2 to 20 Chinese characters")
        return s
    s = " ".join(s.split()).replace("\u2019", "'")
    if not _LATIN_NAME.fullmatch(s):
        raise FieldInvalid(_name_problem(s, "not a valid Latin-script name"))
    return s


def _name_problem(s: str, fallback: str) -> str:
    return "contains digits" if _DIGIT.search(s) else fallback


_GENDERS = {"m": "M", "f": "F", "male": "M", "female": "F", "男": "M", "女": "F"}
_GENDERS |= {"男性": "M", "女性": "F", "1": "M", "2": "F", "M": "M", "F": "F"}


def gender(raw: str) -> str:
    """Maps the spellings source systems use for gender onto M/F."""
    value = _GENDERS.get(raw) or _GENDERS.get(normalise_width(raw).lower())
    if value is None:
        raise FieldInvalid("not one of: M, F")
    return value


# --- dates ----------------------------------------------------------------------------------

_DATE = re.compile(r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|([0-9]{2})([0-9]{2}))")
_MIN_DATE = date(1900, 1, 1)


def past_date(raw: str) -> str:
    """Canonicalises YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD to ISO; real, since 1900, not future."""
    value = _iso_date(raw)
    canonical = raw if value is not None else None
    if value is None:
        value = _loose_date(raw if raw.isascii() else _cn_date(normalise_width(raw)))
    if value < _MIN_DATE:
        raise FieldInvalid("before 1900-01-01")
    if value > _today_cn():
        raise FieldInvalid("date in the future")
    return canonical or value.isoformat()


def _iso_date(raw: str) -> date | None:
    # Fast path for canonical input. The hyphens at 4 and 7 rule out the week dates
    # (2023-W01-1) and compact forms that fromisoformat would also take.
    if len(raw) != 10 or raw[4] != "-" or raw[7] != "-":
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _loose_date(s: str) -> date:
    m = _DATE.fullmatch(s)
    if m is None:
        raise FieldInvalid("not a date in YYYY-MM-DD form")
    month, day = (m[3], m[4]) if m[2] else (m[5], m[6])
    try:
        return date(int(m[1]), int(month), int(day))
    except ValueError:
        raise FieldInvalid("not a real calendar date") from None


def _cn_date(s: str) -> str:
    return s.replace("年", "-").replace("月", "-").removesuffix("日")


# --- identity documents ---------------------------------------------------------------------

_ID_TYPES = {
    **dict.fromkeys(("resident_id", "居民身份证", "身份证"), "resident_id"),
    **dict.fromkeys(("passport", "护照"), "passport"),
    **dict.fromkeys(("hk_macao_permit", "港澳居民来往内地通行证", "回乡证"), "hk_macao_permit"),
    **dict.fromkeys(("taiwan_permit", "台湾居民来往大陆通行证", "台胞证"), "taiwan_permit"),
    **dict.fromkeys(
        ("foreign_permanent_residence", "外国人永久居留身份证", "外国人永久居留证"),
        "foreign_permanent_residence",
    ),
}
# Passports and permits of DOMAIN §13.7; they carry no public checksum.
_DOCUMENT = re.compile(
    r"[EKGDSPHMCWL][0-9]{8}|(?:E[A-HJ-NP-Z]|[DSP]E|KJ|MA|MB|1[45])[0-9]{7}"
    r"|[HM][0-9]{10}|[0-9]{8}|[A-Z]{3}[0-9]{12}"
)


def id_type(raw: str) -> str:
    """Maps Chinese document names onto the catalogue's id_type codes; others fail the enum."""
    return _ID_TYPES.get(raw) or _ID_TYPES.get(normalise_width(raw).lower(), raw)


def id_number(raw: str) -> str:
    """Canonicalises an ID: resident IDs to 18 checked characters, passports/permits upper-cased."""
    s = normalise_width(raw).replace(" ", "").replace("-", "").upper()
    if s.isascii() and s[:15].isdigit():
        if len(s) == 15:
            s = _legacy_id(s)
        if len(s) == 18:
            problem = resident_id_problem(s, _today_cn())
            if problem:
                raise FieldInvalid(problem)
            return s
    if _DOCUMENT.fullmatch(s):
        return s
    raise FieldInvalid("not a recognised ID number format")


def _legacy_id(s: str) -> str:
    try:
        return cn_id_15_to_18(s)
    except ValueError:
        raise FieldInvalid("not a valid 15-digit ID number") from None


def is_resident_id(canonical: str) -> bool:
    """Tells a canonical resident ID from a passport or permit number."""
    return len(canonical) == 18 and canonical[:17].isdigit()


# --- phones -----------------------------------------------------------------------------------

_PHONE_NOISE = str.maketrans("", "", " -()")


def cn_mobile(raw: str) -> str:
    """Canonicalises a mainland mobile to 11 digits, dropping separators and +86/0086/86."""
    if len(raw) == 11 and CN_MOBILE_RE.fullmatch(raw):
        return raw
    s = normalise_width(raw).translate(_PHONE_NOISE)
    for prefix in ("+86", "0086", "86"):
        if s.startswith(prefix) and len(s) == len(prefix) + 11:
            s = s[len(prefix) :]
            break
    if len(s) != 11 or not (s.isascii() and s.isdigit()):
        raise FieldInvalid("not an 11-digit mobile number")
    if not CN_MOBILE_RE.fullmatch(s):
        raise FieldInvalid("unknown mobile prefix")
    return s


_CANONICAL_LANDLINE = re.compile(r"(?:010|02[0-9]|0[3-9][0-9]{2})-[2-9][0-9]{6,7}(?:-[0-9]{1,6})?")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})$", re.IGNORECASE)
_LANDLINE_CHARS = re.compile(r"[0-9 ()\-]+")
_INTERNATIONAL = re.compile(r"\s*(?:\+|00)86[\s\-]*\(?\s*0?")
_GROUPS = re.compile(r"[0-9]+")


def cn_landline(raw: str) -> str:
    """Canonicalises a fixed line to `0AA(A)-NNNNNNN(N)[-ext]`; refuses 400/800 and mobiles."""
    if _CANONICAL_LANDLINE.fullmatch(raw):
        return raw
    s = normalise_width(raw)
    ext = ""
    if m := _EXTENSION.search(s):
        s, ext = s[: m.start()], m[1]
    if m := _INTERNATIONAL.match(s):
        s = "0" + s[m.end() :]
    if not _LANDLINE_CHARS.fullmatch(s):
        raise FieldInvalid("not a landline number")
    groups = _GROUPS.findall(s)
    digits = "".join(groups)
    area_len = _area_code_length(digits)
    tail = groups[-1]
    if (
        not ext
        and len(groups) > 1
        and len(tail) <= 6
        and 7 <= len(digits) - len(tail) - area_len <= 8
    ):
        ext, digits = tail, digits[: -len(tail)]
    local = digits[area_len:]
    if not 7 <= len(local) <= 8 or local[0] in "01":
        raise FieldInvalid("not a 7- or 8-digit local number")
    return f"{digits[:area_len]}-{local}" + (f"-{ext}" if ext else "")


def _area_code_length(digits: str) -> int:
    if digits[:3] in ("400", "800"):
        raise FieldInvalid("400/800 service number, not personal")
    if len(digits) == 11 and digits[0] == "1":
        raise FieldInvalid("mobile number, not a landline")
    if not digits.startswith("0") or digits[:3] in ("011", "012", "013", "014", "015"):
        raise FieldInvalid("missing or unknown area code")
    return 3 if digits[1] in "12" else 4


# --- e-mail, text, address --------------------------------------------------------------------

_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HARD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # all but whitespace
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HAN_OR_LATIN = re.compile(f"[{_HAN}A-Za-z]")


def email(raw: str) -> str:
    """Canonicalises an e-mail address to lower case; <= 254 characters, local part <= 64."""
    s = normalise_width(raw).strip().lower()
    if len(s) > 254:
        raise FieldInvalid("longer than 254 characters")
    if not _EMAIL.fullmatch(s):
        raise FieldInvalid("not a valid e-mail address")
    if s.index("@") > 64:
        raise FieldInvalid("local part longer than 64 characters")
    return s


def address(raw: str) -> str:
    """Canonicalises a postal address: NFKC, line breaks and runs of spaces become one space."""
    s = normalise_width(raw)
    if _HARD_CONTROL.search(s):
        raise FieldInvalid("contains control characters")
    s = " ".join(s.split())
    if not 5 <= len(s) <= 200:
        raise FieldInvalid("not 5 to 200 characters")
    if not _HAN_OR_LATIN.search(s):
        raise FieldInvalid("contains no Chinese or Latin letters")
    return s


def short_text(raw: str) -> str:
    """Canonicalises a short label (occupation, branch): NFKC, no control characters."""
    s = normalise_width(raw)
    if _CONTROL.search(s):
        raise FieldInvalid("contains control characters")
    return s


def free_text(raw: str) -> str:
    """Keeps note text as written, dropping control characters other than newline and tab."""
    s = _TEXT_CONTROL.sub("", raw)
    if not s.strip():
        raise FieldInvalid("no text besides control characters")
    return s


def enum(raw: str) -> str:
    """Passes the value on unchanged; validate_field checks membership."""
    return raw


# --- money and cards --------------------------------------------------------------------------

_CANONICAL_AMOUNT = re.compile(r"(?:0|[1-9][0-9]{0,12})\.[0-9]{2}")
_AMOUNT = re.compile(r"(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")


def amount(raw: str) -> str:
    """Canonicalises a non-negative amount below 10^13 to exactly two decimals (`1234567.89`)."""
    if _CANONICAL_AMOUNT.fullmatch(raw):
        return raw
    m = _AMOUNT.fullmatch(raw if raw.isascii() else normalise_width(raw))
    if m is None:
        raise FieldInvalid("not a decimal amount")
    whole = m[2].replace(",", "").lstrip("0") or "0"
    fraction = (m[3] or "").rstrip("0")
    if m[1] and (whole != "0" or fraction):
        raise FieldInvalid("negative amount")
    if len(fraction) > 2:
        raise FieldInvalid("more than 2 decimal places")
    if len(whole) > 13:
        raise FieldInvalid("10^13 or more")
    return f"{whole}.{fraction.ljust(2, '0')}"


def bank_card(raw: str) -> str:
    """Canonicalises a card number to 16-19 digits that pass the Luhn check."""
    s = (raw if raw.isascii() else normalise_width(raw)).replace(" ", "").replace("-", "")
    if not 16 <= len(s) <= 19 or not (s.isascii() and s.isdigit()):
        raise FieldInvalid("not 16 to 19 digits")
    if not luhn_ok(s):
        raise FieldInvalid("Luhn check failed")
    return s


register("person_name", person_name)
register("gender", gender)
register("birth_date", past_date)
register("past_date", past_date)
register("id_type", id_type)
register("id_number", id_number)
register("cn_mobile", cn_mobile)
register("cn_landline", cn_landline)
register("email", email)
register("address", address)
register("short_text", short_text)
register("bank_card", bank_card)
register("amount", amount)
register("enum", enum)
register("free_text", free_text)


# --- C3 column names --------------------------------------------------------------------------

_C3_NAMES_BY_KIND = {
    "card verification code": "cvv cvv2 cvn cvn2 cvc cvc2 security_code 安全码 卡片验证码",
    "card expiry": "card_expiry expiry exp_date expiry_date 卡片有效期 卡有效期",
    "PIN": "pin card_pin 银行卡密码",
    "password": "password passwd login_password trade_password 密码 登录密码 交易密码 查询密码",
    "one-time code": "otp sms_code verification_code 验证码 短信验证码 动态口令",
    "track data": "track track1 track2 track_data magstripe 磁道数据 磁道信息",
}
C3_FIELD_NAMES: Mapping[str, str] = MappingProxyType(
    {name: kind for kind, names in _C3_NAMES_BY_KIND.items() for name in names.split()}
)
_C3_SEPARATORS = str.maketrans("", "", "_- ")
_C3_LOOKUP = {name.translate(_C3_SEPARATORS): kind for name, kind in C3_FIELD_NAMES.items()}


def c3_kind(name: str) -> str | None:
    """Names the kind of C3 data a column carries (`CVV2`, `card-expiry`), or None."""
    return _C3_LOOKUP.get(name.strip().lower().translate(_C3_SEPARATORS))


# --- records ----------------------------------------------------------------------------------


def validate_field(spec: FieldSpec, raw: str) -> str:
    """Validates one stripped, non-empty raw value against its catalogue field."""
    if len(raw) > spec.max_length:
        raise _too_long(spec)
    value = _validator_of(spec)(raw)
    if spec.values and value not in spec.values:
        raise _not_one_of(spec)
    return value


def _too_long(spec: FieldSpec) -> FieldInvalid:
    return FieldInvalid(f"longer than {spec.max_length} characters")


def _not_one_of(spec: FieldSpec) -> FieldInvalid:
    return FieldInvalid("not one of: " + ", ".join(spec.values))


def _validator_of(spec: FieldSpec) -> Validator:
    check = VALIDATORS.get(spec.validator)
    if check is None:
        raise LookupError(f"field {spec.name}: no validator registered as {spec.validator!r}")
    return check


_Plan = dict[str, tuple[FieldSpec, Validator]]
_PLANS: dict[int, tuple[FieldCatalogue, _Plan]] = {}


def _plan(catalogue: FieldCatalogue) -> _Plan:
    """Resolves every field's validator once per catalogue instead of once per value."""
    entry = _PLANS.get(id(catalogue))
    if entry is None or entry[0] is not catalogue:
        entry = (catalogue, {spec.name: (spec, _validator_of(spec)) for spec in catalogue})
        _PLANS[id(catalogue)] = entry
    return entry[1]


def validate_fields(
    catalogue: FieldCatalogue, fields: Mapping[str, str]
) -> tuple[dict[str, str], list[FieldError]]:
    """Validates a flat record: canonical values of the good fields, and errors for the rest."""
    plan = _plan(catalogue)
    clean: dict[str, str] = {}
    errors: list[FieldError] = []
    for name, raw in fields.items():
        if not isinstance(raw, str):
            if raw is not None:
                errors.append(FieldError(name, "not text"))
            continue
        value = raw.strip()
        if not value:
            continue
        step = plan.get(name)
        if step is None:
            errors.append(FieldError(name, _unknown_field_reason(name)))
            continue
        spec, check = step
        try:  # validate_field, inlined: this loop runs for every field of a bulk ingest
            if len(value) > spec.max_length:
                raise _too_long(spec)
            value = check(value)
            if spec.values and value not in spec.values:
                raise _not_one_of(spec)
            clean[name] = value
        except FieldInvalid as exc:
            errors.append(FieldError(name, exc.reason))
    if "id_number" in clean:
        _check_against_id(clean, errors)
    return clean, errors


def _unknown_field_reason(name: str) -> str:
    kind = c3_kind(name)
    return f"C3 data refused: {kind}" if kind else "unknown field"


def _check_against_id(clean: dict[str, str], errors: list[FieldError]) -> None:
    """Holds id_type, birth_date and gender to what a resident ID number encodes."""
    if clean.get("id_type", "resident_id") != "resident_id" or (
        errors and any(e.field == "id_type" for e in errors)
    ):
        return
    number = clean["id_number"]
    if not is_resident_id(number):
        del clean["id_number"]
        errors.append(FieldError("id_number", "not a resident ID number"))
        return
    birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    if clean.get("birth_date", birth) != birth:
        del clean["birth_date"]
        errors.append(FieldError("birth_date", "disagrees with id_number"))
    if clean.get("gender", "") not in ("", "M" if number[16] in "13579" else "F"):
        del clean["gender"]
        errors.append(FieldError("gender", "disagrees with id_number"))
