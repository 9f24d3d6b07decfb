"""One validated settings object (prefix CDP_); built in the composition root, never at import."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from audit.retention import RetentionPolicy


class Environment(StrEnum):
    """Where the platform runs; prod refuses development shortcuts."""

    DEV = "dev"
    PROD = "prod"


class KekProviderName(StrEnum):
    """Where key-encryption keys come from."""

    LOCAL_FILE = "local-file"
    ENV = "env"
    KMS = "kms"


class CipherSuiteName(StrEnum):
    """Field cipher and the blind-index HMAC that goes with it."""

    AES256GCM = "aes256gcm"
    SM4GCM = "sm4gcm"


class TelemetryExporter(StrEnum):
    """Where traces and metrics go (none: instruments are no-ops)."""

    NONE = "none"
    CONSOLE = "console"
    OTLP = "otlp"


class SettingsError(ValueError):
    """Settings that must not be used; the message names the setting, never a secret."""


class Settings(BaseSettings):
    """Every knob of the platform, read from CDP_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="CDP_", extra="ignore", frozen=True)

    database_url: str = "sqlite:///./var/cdp.db"
    var_dir: Path = Path("./var")
    key_dir: Path = Path("./var/keys")
    policy_dir: Path | None = None
    cipher_suite: CipherSuiteName = CipherSuiteName.AES256GCM
    environment: Environment = Environment.DEV
    kek_provider: KekProviderName = KekProviderName.LOCAL_FILE
    blind_index_key: SecretStr | None = None
    audit_key: SecretStr | None = None
    pseudonym_key: SecretStr | None = None  # masked-view pseudonyms (ADR 0008); dev: key file
    audit_chains: int = Field(default=4, ge=1, le=256)
    # months to keep each audit event class, e.g. CDP_AUDIT_RETENTION_MONTHS='{"read": 36}'
    audit_retention_months: dict[str, int] = Field(default_factory=dict)
    ingest_batch_size: int = Field(default=5000, ge=1, le=50_000)
    rotation_batch_size: int = Field(default=1000, ge=1, le=50_000)
    masked_batch_size: int = Field(default=2000, ge=1, le=50_000)
    data_key_cache_size: int = Field(default=20_000, ge=0)
    log_file: Path | None = None
    log_level: str = "INFO"
    # API (ADR 0010): signing key for OAuth2 client-credentials JWTs (dev: var/keys/token.key)
    token_key: SecretStr | None = None
    token_ttl_seconds: int = Field(default=300, ge=30, le=3600)
    api_max_batch: int = Field(default=1000, ge=1, le=10_000)  # records or events per call
    api_max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    # OpenTelemetry (cdp.telemetry only): exporter, OTLP endpoint, head sampling ratio
    otel_exporter: TelemetryExporter = TelemetryExporter.NONE
    otel_endpoint: str | None = None
    otel_sampling_ratio: float = Field(default=0.1, ge=0.0, le=1.0)
    otel_service_name: str = "privacy-cdp"

    @field_validator("database_url")
    @classmethod
    def _known_dialect(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("CDP_DATABASE_URL must be a sqlite:// or postgresql+psycopg:// URL")
        return value

    @field_validator("audit_retention_months")
    @classmethod
    def _legal_retention(cls, value: dict[str, int]) -> dict[str, int]:
        RetentionPolicy.from_settings(value)  # raises RetentionInvalid (a ValueError)
        return value

    @property
    def retention(self) -> RetentionPolicy:
        """The audit retention per event class (defaults overridden by the setting)."""
        return RetentionPolicy.from_settings(self.audit_retention_months)

    @model_validator(mode="after")
    def _prod_refuses_dev_shortcuts(self) -> Settings:
        if self.environment is Environment.PROD:
            if self.kek_provider is KekProviderName.LOCAL_FILE:
                raise ValueError(
                    "CDP_ENVIRONMENT=prod refuses local-file keys: use CDP_KEK_PROVIDER=env or kms"
                )
            if self.database_url.startswith("sqlite"):
                raise ValueError("CDP_ENVIRONMENT=prod needs PostgreSQL, not the embedded SQLite")
        return self

    @property
    def is_sqlite(self) -> bool:
        """Tells whether the store is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    @property
    def effective_log_file(self) -> Path:
        """Returns where structured logs go (under var/ by default)."""
        return self.log_file or self.var_dir / "log" / "cdp.log"
