"""Settings: defaults, validation, and what prod refuses."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from cdp.bootstrap import blind_index_master_key, build_kek_provider
from cdp.settings import Settings, SettingsError

PROD_PG = {"environment": "prod", "database_url": "postgresql+psycopg://u@h/db"}


def test_when_nothing_is_set_then_the_embedded_defaults_apply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("CDP_DATABASE_URL", "CDP_KEY_DIR", "CDP_CIPHER_SUITE", "CDP_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///./var/cdp.db"
    assert settings.key_dir == Path("./var/keys")
    assert settings.cipher_suite.value == "aes256gcm"
    assert settings.environment.value == "dev"


def test_when_env_vars_are_set_then_they_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDP_CIPHER_SUITE", "sm4gcm")
    monkeypatch.setenv("CDP_INGEST_BATCH_SIZE", "500")
    settings = Settings()
    assert settings.cipher_suite.value == "sm4gcm"
    assert settings.ingest_batch_size == 500


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # prod never runs on development key files
        ({"environment": "prod", "database_url": "postgresql+psycopg://u@h/db"}, "local-file"),
        # prod never runs on the embedded SQLite
        ({"environment": "prod", "kek_provider": "env"}, "PostgreSQL"),
        # only SQLite and PostgreSQL are supported stores
        ({"database_url": "mysql://u@h/db"}, "sqlite"),
        # unknown cipher suites are refused
        ({"cipher_suite": "des"}, "cipher_suite"),
        # batch sizes stay within bounds
        ({"ingest_batch_size": 0}, "ingest_batch_size"),
    ],
)
def test_when_settings_are_invalid_then_construction_fails(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(**overrides)  # type: ignore[arg-type]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_when_prod_gets_a_placeholder_kek_then_it_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDP_KEK_V1", _b64(b"\x00" * 32))
    settings = Settings(kek_provider="env", **PROD_PG)  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="placeholder"):
        build_kek_provider(settings)


def test_when_prod_has_no_blind_index_key_then_it_refuses() -> None:
    settings = Settings(kek_provider="env", **PROD_PG)  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="CDP_BLIND_INDEX_KEY"):
        blind_index_master_key(settings, create=False)


def test_when_prod_gets_a_placeholder_blind_index_key_then_it_refuses() -> None:
    settings = Settings(
        kek_provider="env",
        blind_index_key=_b64(b"changeme" * 4),
        **PROD_PG,  # type: ignore[arg-type]
    )
    with pytest.raises(SettingsError, match="placeholder"):
        blind_index_master_key(settings, create=False)


def test_when_prod_gets_real_keys_then_it_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("CDP_KEK_V1", _b64(os.urandom(32)))
    settings = Settings(
        kek_provider="env",
        blind_index_key=_b64(os.urandom(32)),
        **PROD_PG,  # type: ignore[arg-type]
    )
    assert build_kek_provider(settings).versions() == [1]
    assert len(blind_index_master_key(settings, create=False)) == 32
