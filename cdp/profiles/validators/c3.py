"""Column names that announce C3 data (card codes, PINs, passwords), which ingest refuses."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from masking.c3 import C3Kind

_C3_NAMES_BY_KIND = {
    C3Kind.CVN: "cvv cvv2 cvn cvn2 cvc cvc2 security_code 安全码 卡片验证码",
    C3Kind.CARD_EXPIRY: "card_expiry expiry exp_date expiry_date 卡片有效期 卡有效期",
    C3Kind.PIN: "pin card_pin 银行卡密码",
    C3Kind.PASSWORD: (
        "password passwd login_password trade_password 密码 登录密码 交易密码 查询密码"
    ),
    C3Kind.OTP: "otp sms_code verification_code 验证码 短信验证码 动态口令",
    C3Kind.TRACK: "track track1 track2 track_data magstripe 磁道数据 磁道信息",
    C3Kind.SECURITY_ANSWER: "security_answer 密保答案 密码提示答案",
}
C3_FIELD_NAMES: Mapping[str, C3Kind] = MappingProxyType(
    {name: kind for kind, names in _C3_NAMES_BY_KIND.items() for name in names.split()}
)
_C3_SEPARATORS = str.maketrans("", "", "_- ")
_C3_LOOKUP = {name.translate(_C3_SEPARATORS): kind for name, kind in C3_FIELD_NAMES.items()}


def c3_kind(name: str) -> C3Kind | None:
    """Names the kind of C3 data a column carries (`CVV2`, `card-expiry`), or None."""
    return _C3_LOOKUP.get(name.strip().lower().translate(_C3_SEPARATORS))
