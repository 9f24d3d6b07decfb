"""Ingest validators: canonical forms, refusals that never echo the value, record-level checks."""

from __future__ import annotations

import pytest

from cdp.profiles.validators import (
    C3_FIELD_NAMES,
    VALIDATORS,
    FieldError,
    FieldInvalid,
    c3_kind,
    register,
    validate_field,
    validate_fields,
)
from cdp.resources import load_catalogue, shipped_policy_dir
from governance.catalogue import FieldCatalogue

CATALOGUE = load_catalogue(shipped_policy_dir())

VALID = [
    # (field, raw, canonical)
    ("full_name", "张伟", "张伟"),  # the common two-character name
    ("full_name", "欧阳 娜娜", "欧阳娜娜"),  # spaces inside a Han name are dropped
    ("full_name", "阿沛.阿旺晋美", "阿沛·阿旺晋美"),  # minority names: any dot becomes ·
    ("full_name", "买买提・艾力", "买买提·艾力"),  # katakana middle dot as typed by some IMEs
    ("full_name", "John  O'Neil", "John O'Neil"),  # Latin names: inner whitespace collapsed
    ("full_name", "Anne-Marie d’Arc", "Anne-Marie d'Arc"),  # typographic apostrophe unified
    ("full_name", "J. R. Smith", "J. R. Smith"),  # initials with periods
    ("gender", "男", "M"),  # Chinese
    ("gender", "f", "F"),  # lower-case code
    ("gender", "1", "M"),  # GB/T 2261.1 numeric code
    ("gender", "2", "F"),  # GB/T 2261.1 numeric code
    ("birth_date", "1988-04-17", "1988-04-17"),  # already canonical
    ("birth_date", "19880417", "1988-04-17"),  # compact
    ("birth_date", "1988/04/17", "1988-04-17"),  # slashes
    ("birth_date", "1988/4/7", "1988-04-07"),  # spreadsheet export without zero padding
    ("birth_date", "1988年4月17日", "1988-04-17"),  # Chinese date
    ("birth_date", "1900-01-01", "1900-01-01"),  # earliest allowed
    ("open_date", "2024-02-29", "2024-02-29"),  # leap day exists in 2024
    ("id_type", "身份证", "resident_id"),  # common Chinese name of the document
    ("id_type", "护照", "passport"),  # passport in Chinese
    ("id_type", "resident_id", "resident_id"),  # the code itself
    ("id_number", "11010519491231002X", "11010519491231002X"),  # DOMAIN vector
    ("id_number", "11010519491231002x", "11010519491231002X"),  # lower-case x
    ("id_number", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full width
    ("id_number", "110105 19491231 002X", "11010519491231002X"),  # spaced groups
    ("id_number", "110105491231002", "11010519491231002X"),  # legacy 15 digits become 18
    ("id_number", "e12345678", "E12345678"),  # e-passport, upper-cased
    ("id_number", "EA1234567", "EA1234567"),  # e-passport with letter
    ("id_number", "H12345678", "H12345678"),  # home-return permit
    ("id_number", "C12345678", "C12345678"),  # mainland resident's HK/Macao permit
    ("mobile", "13812345678", "13812345678"),  # canonical
    ("mobile", "+86 138 1234 5678", "13812345678"),  # international, 3-4-4 spaced
    ("mobile", "0086-138-1234-5678", "13812345678"),  # 0086 with hyphens
    ("mobile", "8613812345678", "13812345678"),  # bare 86
    ("mobile", "138-1234-5678", "13812345678"),  # 3-4-4 hyphens
    ("mobile", "(+86) 13812345678", "13812345678"),  # bracketed country code
    ("mobile", "１３８１２３４５６７８", "13812345678"),  # full width
    ("mobile", "17400123456", "17400123456"),  # satellite 1740x
    ("landline", "010-62345678", "010-62345678"),  # canonical Beijing
    ("landline", "(010)62345678", "010-62345678"),  # bracketed area code
    ("landline", "（0755）2654 3210", "0755-26543210"),  # full-width brackets, spaced local
    ("landline", "010 6234 5678", "010-62345678"),  # spaced 4-4 local number
    ("landline", "01062345678", "010-62345678"),  # no separators
    ("landline", "0571-8888888", "0571-8888888"),  # seven-digit local number
    ("landline", "0755-26543210-123", "0755-26543210-123"),  # extension after a hyphen
    ("landline", "0571-8888888转801", "0571-8888888-801"),  # extension written 转
    ("landline", "+86 10 62345678", "010-62345678"),  # international, trunk 0 restored
    ("email", "ZhangWei@Example.CN", "zhangwei@example.cn"),  # lower-cased
    ("email", "zhang.wei+cdp@mail.example.com", "zhang.wei+cdp@mail.example.com"),  # sub-address
    ("email", "ｚｗ＠example.cn", "zw@example.cn"),  # full-width local part and @
    ("home_address", "北京市海淀区中关村大街1号3单元502", "北京市海淀区中关村大街1号3单元502"),
    ("home_address", "上海市  浦东新区\n世纪大道100号", "上海市 浦东新区 世纪大道100号"),  # spaces
    ("home_address", "１２ Ｍａｉｎ Ｓｔ", "12 Main St"),  # full-width Latin address
    ("occupation", "教师", "教师"),  # short label
    ("occupation", "ＩＴ工程师", "IT工程师"),  # full-width Latin folded
    ("card_no", "6222021234567890128", "6222021234567890128"),  # DOMAIN vector
    ("card_no", "6222 0212 3456 7890 128", "6222021234567890128"),  # spaced
    ("card_no", "6222-0212-3456-7890-128", "6222021234567890128"),  # hyphens
    ("card_no", "4111111111111111", "4111111111111111"),  # 16 digits
    ("aum", "1,234,567.89", "1234567.89"),  # thousands separators
    ("aum", "12.5", "12.50"),  # padded to two decimals
    ("aum", "0", "0.00"),  # zero
    ("aum", "007.10", "7.10"),  # leading zeros dropped
    ("aum", "1.230", "1.23"),  # trailing zero beyond cents is harmless
    ("aum", "9999999999999.99", "9999999999999.99"),  # just below 10^13
    ("risk_tolerance", "C3", "C3"),  # enum member
    ("preferred_channel", "wechat", "wechat"),  # enum member
    ("service_note", "客户来电。\n已回拨\t13812345678。", "客户来电。\n已回拨\t13812345678。"),
    ("service_note", "备注\x00内容\x1b", "备注内容"),  # control characters dropped
]


@pytest.mark.parametrize(("field", "raw", "canonical"), VALID)
def test_when_value_valid_then_canonical_form_returned(
    field: str, raw: str, canonical: str
) -> None:
    assert validate_field(CATALOGUE.get(field), raw) == canonical


@pytest.mark.parametrize(("field", "raw", "canonical"), VALID)
def test_when_canonical_form_validated_again_then_it_is_unchanged(
    field: str, raw: str, canonical: str
) -> None:
    # Search terms go through the same validator, so blind indexes must be stable under it.
    assert validate_field(CATALOGUE.get(field), canonical) == canonical


INVALID = [
    # (field, raw, reason)
    ("full_name", "张", "not 2 to 20 Chinese characters"),  # a surname alone
    ("full_name", "张" * 21, "not 2 to 20 Chinese characters"),  # too many characters
    ("full_name", "张3", "contains digits"),  # digits in a name
    ("full_name", "Zhang Wei 2", "contains digits"),  # digits in a Latin name
    ("full_name", "张Wei", "not a valid Chinese name"),  # mixed scripts
    ("full_name", "@@", "not a valid Latin-script name"),  # no letters
    ("full_name", "张" * 65, "longer than 64 characters"),  # oversize before anything else
    ("gender", "X", "not one of: M, F"),  # unknown code
    ("gender", "未知", "not one of: M, F"),  # "unknown" in Chinese
    ("birth_date", "2023-02-30", "not a real calendar date"),  # 30 February
    ("birth_date", "1988-13-01", "not a real calendar date"),  # month 13
    ("birth_date", "20230230", "not a real calendar date"),  # compact impossible date
    ("birth_date", "1899-12-31", "before 1900-01-01"),  # too early
    ("birth_date", "2099-01-01", "date in the future"),  # not born yet
    ("birth_date", "17/04/1988", "not a date in YYYY-MM-DD form"),  # day-first order
    ("birth_date", "2023-W01-1", "not a date in YYYY-MM-DD form"),  # ISO week date
    ("open_date", "2099-12-31", "date in the future"),  # past_date refuses the future too
    (
        "id_type",
        "驾驶证",
        "not one of: resident_id, passport, hk_macao_permit, taiwan_permit, "
        "foreign_permanent_residence",
    ),  # not an identity document we accept
    ("id_number", "110105194912310021", "check digit mismatch"),  # DOMAIN vector
    ("id_number", "110105202302300021", "not a real calendar date"),  # 30 February
    ("id_number", "110105209912310021", "date in the future"),  # born in 2099
    ("id_number", "110105491331002", "not a valid 15-digit ID number"),  # month 13, legacy
    ("id_number", "12345", "not a recognised ID number format"),  # too short
    ("id_number", "ZZ1234567", "not a recognised ID number format"),  # no such document
    ("mobile", "15412345678", "unknown mobile prefix"),  # 154 never allocated
    ("mobile", "1381234567", "not an 11-digit mobile number"),  # 10 digits
    ("mobile", "+1 415 555 0100", "not an 11-digit mobile number"),  # foreign number
    ("mobile", "138１２３４abcd", "not an 11-digit mobile number"),  # letters
    ("mobile", "+86 138 1234 5678 9999 0000", "longer than 24 characters"),  # oversize
    ("landline", "400-123-4567", "400/800 service number, not personal"),  # corporate line
    ("landline", "800 820 8820", "400/800 service number, not personal"),  # free-phone
    ("landline", "13812345678", "mobile number, not a landline"),  # a mobile
    ("landline", "62345678", "missing or unknown area code"),  # no area code
    ("landline", "010-12345", "not a 7- or 8-digit local number"),  # short local number
    ("landline", "010-0234567", "not a 7- or 8-digit local number"),  # local starts with 0
    ("landline", "010-6234abcd", "not a landline number"),  # letters
    ("email", "zhangwei@", "not a valid e-mail address"),  # no domain
    ("email", "zhang wei@example.cn", "not a valid e-mail address"),  # space
    ("email", "zhangwei@example", "not a valid e-mail address"),  # no top-level domain
    ("email", "a" * 65 + "@example.cn", "local part longer than 64 characters"),  # RFC 5321
    ("home_address", "北京", "not 5 to 200 characters"),  # too short
    ("home_address", "1234567", "contains no Chinese or Latin letters"),  # digits only
    ("home_address", "北京市海淀区\x00中关村", "contains control characters"),  # NUL byte
    ("home_address", "北京市海淀区\x1b中关村", "contains control characters"),  # escape
    ("occupation", "教师\x07", "contains control characters"),  # bell
    ("card_no", "6222021234567890127", "Luhn check failed"),  # check digit off by one
    ("card_no", "6226 0000 0000 0004", "Luhn check failed"),  # DOMAIN vector, spaced
    ("card_no", "622202123456789", "not 16 to 19 digits"),  # 15 digits
    ("card_no", "6222021234567890128X", "not 16 to 19 digits"),  # a letter
    ("aum", "-1.00", "negative amount"),  # negative
    ("aum", "1.234", "more than 2 decimal places"),  # fractions of a cent
    ("aum", "10000000000000", "10^13 or more"),  # too large
    ("aum", "1,23,456", "not a decimal amount"),  # misplaced separators
    ("aum", "1e5", "not a decimal amount"),  # scientific notation
    ("aum", "abc", "not a decimal amount"),  # text
    ("risk_tolerance", "C6", "not one of: C1, C2, C3, C4, C5"),  # enum miss
    ("risk_tolerance", "c3", "not one of: C1, C2, C3, C4, C5"),  # enums are exact
    ("preferred_channel", "fax", "not one of: app, sms, phone, email, wechat, branch"),  # miss
    ("service_note", "\x00\x01", "no text besides control characters"),  # nothing left
    ("service_note", "说" * 2001, "longer than 2000 characters"),  # oversize note
]


@pytest.mark.parametrize(("field", "raw", "reason"), INVALID)
def test_when_value_invalid_then_reason_names_problem_without_value(
    field: str, raw: str, reason: str
) -> None:
    with pytest.raises(FieldInvalid) as caught:
        validate_field(CATALOGUE.get(field), raw)
    assert caught.value.reason == reason
    assert raw not in caught.value.reason
    assert raw not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("male", "M"),  # English word
        ("Female", "F"),  # capitalised English word
        ("男性", "M"),  # two-character Chinese
        ("Ｍ", "M"),  # full-width letter
    ],
)
def test_when_gender_spelled_out_then_validator_maps_it(raw: str, canonical: str) -> None:
    # fields.yaml caps gender at 2 characters, so the English words only pass the bare validator.
    assert VALIDATORS["gender"](raw) == canonical


def test_when_catalogue_loaded_then_every_validator_it_names_is_registered() -> None:
    assert {spec.validator for spec in CATALOGUE} <= set(VALIDATORS)


def test_when_name_registered_twice_then_register_refuses() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register("email", VALIDATORS["email"])


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cvv", "card verification code"),  # the usual name
        ("CVV2", "card verification code"),  # upper case
        ("security-code", "card verification code"),  # hyphen variant
        ("安全码", "card verification code"),  # Chinese column header
        ("card_expiry", "card expiry"),  # snake case
        ("Card-Expiry", "card expiry"),  # title case, hyphen
        ("expiryDate", "card expiry"),  # camel case
        ("exp_date", "card expiry"),  # abbreviation
        ("PIN", "PIN"),  # upper case
        ("card_pin", "PIN"),  # qualified
        ("login_password", "password"),  # online banking password
        ("trade-password", "password"),  # trading password, hyphen
        ("passwd", "password"),  # Unix spelling
        ("sms_code", "one-time code"),  # SMS OTP
        ("OTP", "one-time code"),  # upper case
        ("验证码", "one-time code"),  # Chinese
        ("track2", "track data"),  # magnetic stripe track 2
        ("track_data", "track data"),  # generic
        ("magstripe", "track data"),  # whole stripe
        ("mobile", None),  # a catalogue field, not C3
        ("id_expiry", None),  # ID document expiry is C2, not card expiry
        ("pinyin_name", None),  # contains "pin" but is not a PIN
    ],
)
def test_when_column_name_checked_then_c3_kind_is_recognised(name: str, kind: str | None) -> None:
    assert c3_kind(name) == kind


def test_when_c3_names_listed_then_each_maps_to_its_kind() -> None:
    assert all(c3_kind(name) == kind for name, kind in C3_FIELD_NAMES.items())


def _errors(fields: dict[str, str], catalogue: FieldCatalogue = CATALOGUE) -> list[FieldError]:
    return validate_fields(catalogue, fields)[1]


RECORDS = [
    # (fields, clean, errors)
    (  # a consistent resident: everything canonicalised, nothing refused
        {
            "full_name": " 张伟 ",
            "id_number": "11010519491231002x",
            "gender": "女",
            "birth_date": "19491231",
        },
        {
            "full_name": "张伟",
            "id_number": "11010519491231002X",
            "gender": "F",
            "birth_date": "1949-12-31",
        },
        [],
    ),
    (  # empty and whitespace-only values mean "not provided"
        {"full_name": "张伟", "email": "", "mobile": "   "},
        {"full_name": "张伟"},
        [],
    ),
    (  # unknown and C3 columns are refused by name, the rest still validates
        {"full_name": "张伟", "cvv2": "123", "Card-Expiry": "12/28", "favourite": "蓝色"},
        {"full_name": "张伟"},
        [
            FieldError("cvv2", "C3 data refused: card verification code"),
            FieldError("Card-Expiry", "C3 data refused: card expiry"),
            FieldError("favourite", "unknown field"),
        ],
    ),
    (  # without id_type the number must be a resident ID
        {"id_number": "E12345678"},
        {},
        [FieldError("id_number", "not a resident ID number")],
    ),
    (  # id_type resident_id also requires a resident ID
        {"id_type": "resident_id", "id_number": "E12345678"},
        {"id_type": "resident_id"},
        [FieldError("id_number", "not a resident ID number")],
    ),
    (  # a passport is fine when the record says it is one
        {"id_type": "护照", "id_number": "e12345678"},
        {"id_type": "passport", "id_number": "E12345678"},
        [],
    ),
    (  # birth date and gender must agree with the resident ID
        {"id_number": "11010519491231002X", "birth_date": "1949-12-30", "gender": "M"},
        {"id_number": "11010519491231002X"},
        [
            FieldError("birth_date", "disagrees with id_number"),
            FieldError("gender", "disagrees with id_number"),
        ],
    ),
    (  # a bad id_type is reported once; the number is not judged against a guess
        {"id_type": "驾驶证", "id_number": "E12345678"},
        {"id_number": "E12345678"},
        [
            FieldError(
                "id_type",
                "not one of: resident_id, passport, hk_macao_permit, "
                "taiwan_permit, foreign_permanent_residence",
            )
        ],
    ),
    (  # a refused ID number leaves birth date and gender unjudged
        {"id_number": "110105194912310021", "birth_date": "1988-04-17", "gender": "M"},
        {"birth_date": "1988-04-17", "gender": "M"},
        [FieldError("id_number", "check digit mismatch")],
    ),
]


@pytest.mark.parametrize(("fields", "clean", "errors"), RECORDS)
def test_when_record_validated_then_clean_values_and_errors_are_split(
    fields: dict[str, str], clean: dict[str, str], errors: list[FieldError]
) -> None:
    assert validate_fields(CATALOGUE, fields) == (clean, errors)


def test_when_record_has_errors_then_no_reason_contains_a_value() -> None:
    fields = {
        "full_name": "张3",
        "id_number": "110105194912310021",
        "mobile": "15412345678",
        "card_no": "6222021234567890127",
        "birth_date": "2023-02-30",
        "aum": "-5",
    }
    errors = _errors(fields)
    assert len(errors) == len(fields)
    for error in errors:
        assert all(value not in error.reason for value in fields.values())
