"""Validation at the ingest boundary: raw strings in, canonical strings out, reasons without values.

The canonical form is also the input of blind indexes, so search terms and ingested values must
go through the same validator (DOMAIN.md §13.11). This runs once per field on bulk ingest: keep
the common path to precompiled regexes and `isascii()` shortcuts. Every validator is registered
below under the name that fields.yaml refers to.
"""

from cdp.profiles.validators.base import VALIDATORS, FieldError, FieldInvalid, Validator, register
from cdp.profiles.validators.c3 import C3_FIELD_NAMES, c3_kind
from cdp.profiles.validators.dates import past_date
from cdp.profiles.validators.documents import id_number, id_type, is_resident_id
from cdp.profiles.validators.money import amount, bank_card
from cdp.profiles.validators.names import gender, person_name
from cdp.profiles.validators.numbers import count, product_count
from cdp.profiles.validators.phones import cn_landline, cn_mobile
from cdp.profiles.validators.record import validate_field, validate_fields
from cdp.profiles.validators.text import address, email, enum, free_text, short_text

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
register("count", count)
register("product_count", product_count)

__all__ = [
    "C3_FIELD_NAMES",
    "VALIDATORS",
    "FieldError",
    "FieldInvalid",
    "Validator",
    "address",
    "amount",
    "bank_card",
    "c3_kind",
    "cn_landline",
    "cn_mobile",
    "count",
    "email",
    "enum",
    "free_text",
    "gender",
    "id_number",
    "id_type",
    "is_resident_id",
    "past_date",
    "person_name",
    "product_count",
    "register",
    "short_text",
    "validate_field",
    "validate_fields",
]
