"""The explicit recognizer registry: policy name -> registration. Nothing is discovered."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from masking.detect import address, card, documents, identity, person, phone, web
from masking.detect.spec import Registration

REGISTRATIONS: Mapping[str, Registration] = MappingProxyType(
    {
        "cn_resident_id": identity.RESIDENT_ID,
        "cn_uscc": identity.USCC,
        "cn_mobile": phone.MOBILE,
        "cn_landline": phone.LANDLINE,
        "cn_bank_card": card.BANK_CARD,
        "cn_passport": documents.PASSPORT,
        "cn_plate": documents.PLATE,
        "cn_address": address.ADDRESS,
        "cn_person": person.PERSON,
        "email": web.EMAIL,
        "ip_address": web.IP,
        "iban": web.IBAN,
        "credit_card": web.CREDIT_CARD,
        "phone_number": phone.PHONE,
    }
)
