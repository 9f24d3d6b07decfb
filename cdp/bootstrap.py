"""Composition root: builds engines, keys and services once, from settings, and injects them."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine

from audit.keys import AuditKey
from audit.tags import AuditTag, Decision
from cdp import keyadmin
from cdp.auditing.reads import ReadAuditObserver
from cdp.auditing.recorder import AuditRecorder
from cdp.auditing.store import SqlAuditTrail
from cdp.consents.enforce import ConsentReadCheck
from cdp.consents.service import ConsentLedger
from cdp.crypto import (
    BlindIndexer,
    CipherSuite,
    DataKeyring,
    EnvKekProvider,
    KekProvider,
    KekUnavailable,
    LocalFileKekProvider,
    blind_index_hash,
    is_placeholder_key,
    load_or_create_master_key,
    master_key_from_b64,
)
from cdp.crypto.blind_index import make_mac
from cdp.db.engine import make_engine, transaction
from cdp.db.migrate import current_revision, head_revision, upgrade
from cdp.governed.policy import build_policy_engine, read_policy_texts
from cdp.governed.read import GovernedReader
from cdp.governed.search import GovernedSearch
from cdp.governed.write import GovernedWriter
from cdp.masked.config import MaskingConfig, load_masking_config
from cdp.masked.notes import NoteMasker
from cdp.masked.projection import Projector
from cdp.masked.service import MaskedView
from cdp.profiles.ingest import Ingestor
from cdp.profiles.resolution import BatchApplier, utcnow
from cdp.profiles.sources import SourceRegistry, load_sources
from cdp.profiles.store import ProfileStore
from cdp.profiles.vault import ProfileVault
from cdp.resources import load_catalogue, load_yaml, shipped_policy_dir
from cdp.scanning.factory import LazyDetector
from cdp.segments.config import load_segment_config
from cdp.settings import Environment, KekProviderName, Settings, SettingsError
from cdp.tags.compute import TagComputer
from cdp.tags.config import load_tag_config
from consent.notices import NoticeCatalogue, parse_notices
from consent.purposes import PurposeCatalogue, parse_purposes
from governance.catalogue import FieldCatalogue
from governance.engine import PolicyEngine
from governance.sources import PolicyInvalid
from masking.operators import MaskRegistry, default_registry
from masking.pseudonyms import Pseudonymiser

BLIND_INDEX_KEY_FILE = "blind-index.key"
AUDIT_KEY_FILE = "audit.key"
PSEUDONYM_KEY_FILE = "pseudonym.key"


class NotInitialised(RuntimeError):
    """The store or its keys are missing: `cdp init` has not run for these settings."""


@dataclass(slots=True)
class Platform:
    """Everything a command or request needs, built once."""

    settings: Settings
    engine: Engine
    catalogue: FieldCatalogue
    sources: SourceRegistry
    kek: KekProvider
    keyring: DataKeyring
    vault: ProfileVault
    policy: PolicyEngine
    masks: MaskRegistry
    purposes: PurposeCatalogue
    notices: NoticeCatalogue
    audit: SqlAuditTrail
    pseudonyms: Pseudonymiser
    masking: MaskingConfig
    note_masker: NoteMasker | None = None  # the free-text PII detector, when one is wired
    recorder: AuditRecorder = field(init=False)
    masked: MaskedView = field(init=False)
    store: ProfileStore = field(init=False)
    consents: ConsentLedger = field(init=False)
    reader: GovernedReader = field(init=False)
    writer: GovernedWriter = field(init=False)
    searcher: GovernedSearch = field(init=False)

    def __post_init__(self) -> None:
        self.recorder = AuditRecorder(self.audit)
        self.store = ProfileStore(catalogue=self.catalogue, vault=self.vault)
        self.masked = self.masked_view()
        self.consents = ConsentLedger(
            catalogue=self.catalogue,
            purposes=self.purposes,
            notices=self.notices,
            vault=self.vault,
            store=self.store,
            audit=self.recorder,
            on_changed=self.masked.refresh_consents,
        )
        self.reader = GovernedReader(
            policy=self.policy,
            store=self.store,
            catalogue=self.catalogue,
            masks=self.masks,
            checks=[ConsentReadCheck(self.consents)],
            observers=[ReadAuditObserver(self.recorder)],
        )
        self.writer = GovernedWriter(
            policy=self.policy,
            catalogue=self.catalogue,
            store=self.store,
            applier=self.applier(),
            audit=self.recorder,
        )
        self.searcher = GovernedSearch(
            policy=self.policy, catalogue=self.catalogue, vault=self.vault, audit=self.recorder
        )

    def reload_policy(self) -> str:
        """Re-reads the policy files and swaps them in whole; an invalid set changes nothing.

        Raises PolicyInvalid (with every problem) and keeps serving the current policy. Both
        outcomes are audited; a reload whose audit record cannot be written is rolled back.
        """
        try:
            fresh = self.policy.compile(read_policy_texts(policy_dir(self.settings)))
        except PolicyInvalid as invalid:
            reason = f"policy_invalid:{len(invalid.problems)}"
            with transaction(self.engine) as conn:
                self.recorder.record(conn, AuditTag.POLICY_RELOAD, Decision.ERROR, reason=reason)
            raise
        with transaction(self.engine) as conn:
            self.recorder.record(
                conn, AuditTag.POLICY_RELOAD, Decision.ALLOW, policy_version=fresh.version
            )
        return self.policy.install(fresh)  # only once its audit record has committed

    def applier(self) -> BatchApplier:
        """Returns the resolver/writer that ingest and governed writes share."""
        return BatchApplier(
            catalogue=self.catalogue,
            sources=self.sources,
            vault=self.vault,
            on_written=self.masked.refresh,
        )

    def masked_view(self) -> MaskedView:
        """Returns the masked view's refresher (pseudonyms, bands, consent flags, masked note)."""
        projector = Projector(
            config=self.masking,
            pseudonyms=self.pseudonyms,
            purposes=self.purposes,
            notices=self.notices,
            tags=TagComputer(load_tag_config(policy_dir(self.settings))),
            response_domain=load_segment_config(policy_dir(self.settings)).audience_domain,
        )
        return MaskedView(projector=projector, store=self.store, masker=self.note_masker)

    def ingestor(self, batch_size: int | None = None) -> Ingestor:
        """Returns an ingestor wired to this platform's store."""
        return Ingestor(
            engine=self.engine,
            catalogue=self.catalogue,
            sources=self.sources,
            applier=self.applier(),
            batch_size=batch_size or self.settings.ingest_batch_size,
            audit=self.recorder,
        )

    def close(self) -> None:
        """Releases database connections."""
        self.engine.dispose()


def policy_dir(settings: Settings) -> Path:
    """Returns the configured policy directory, or the one shipped with the install."""
    return settings.policy_dir or shipped_policy_dir()


def suite_of(settings: Settings) -> CipherSuite:
    """Maps the configured suite name onto the crypto suite."""
    return CipherSuite(settings.cipher_suite.value)


def build_kek_provider(settings: Settings) -> KekProvider:
    """Creates the configured KEK provider (the KMS one is wired by the deploying bank)."""
    suite = suite_of(settings)
    if settings.kek_provider is KekProviderName.LOCAL_FILE:
        return LocalFileKekProvider(settings.key_dir, suite)
    if settings.kek_provider is KekProviderName.ENV:
        provider = EnvKekProvider(os.environ, suite)
        _refuse_placeholders(settings, provider)
        return provider
    raise SettingsError(
        "CDP_KEK_PROVIDER=kms needs a KmsClient: "
        "build KmsKekProvider in your deployment's bootstrap"
    )


def _refuse_placeholders(settings: Settings, provider: EnvKekProvider) -> None:
    if settings.environment is Environment.PROD:
        for version in provider.versions():
            if is_placeholder_key(provider.key_bytes(version)):
                raise SettingsError(f"CDP_KEK_V{version} is a placeholder key: prod refuses it")


def _master_key(
    settings: Settings,
    configured: SecretStr | None,
    env: str,
    file: str,
    what: str,
    *,
    create: bool,
) -> tuple[bytes, str]:
    """Loads one master key from its env var (prod) or its dev key file; says which it was."""
    if configured is not None:
        key = master_key_from_b64(configured.get_secret_value())
        if settings.environment is Environment.PROD and is_placeholder_key(key):
            raise SettingsError(f"{env} is a placeholder key: prod refuses it")
        return key, "env"
    if settings.environment is Environment.PROD:
        raise SettingsError(f"CDP_ENVIRONMENT=prod needs {env} (no dev key files)")
    path = settings.key_dir / file
    if not create and not path.exists():
        raise NotInitialised(f"no {what} key: run `cdp init`")
    return load_or_create_master_key(path), "local-file"


def blind_index_master_key(settings: Settings, *, create: bool) -> bytes:
    """Returns the blind-index master key from CDP_BLIND_INDEX_KEY or the dev key file."""
    configured = settings.blind_index_key
    env, file = "CDP_BLIND_INDEX_KEY", BLIND_INDEX_KEY_FILE
    return _master_key(settings, configured, env, file, "blind-index", create=create)[0]


def audit_key(settings: Settings, *, create: bool) -> AuditKey:
    """Returns the audit chain key (CDP_AUDIT_KEY or the dev key file), apart from data keys."""
    configured, env = settings.audit_key, "CDP_AUDIT_KEY"
    secret, source = _master_key(settings, configured, env, AUDIT_KEY_FILE, "audit", create=create)
    return AuditKey(source, secret)


def pseudonym_master_key(settings: Settings, *, create: bool) -> bytes:
    """Returns the pseudonym master key (CDP_PSEUDONYM_KEY or the dev key file), never in the DB."""
    configured, env, file = settings.pseudonym_key, "CDP_PSEUDONYM_KEY", PSEUDONYM_KEY_FILE
    return _master_key(settings, configured, env, file, "pseudonym", create=create)[0]


def _token_key(settings: Settings) -> None:
    """Creates the API's token signing key (dev key file) so `cdp serve` finds it."""
    from cdp.apiclients.keys import token_signing_key

    token_signing_key(settings, create=True)


def build_pseudonymiser(settings: Settings, config: MaskingConfig) -> Pseudonymiser:
    """Builds the per-domain pseudonymiser; HMAC-SM3 goes with the SM4 suite, as blind indexes."""
    mac = functools.partial(make_mac, blind_index_hash(suite_of(settings)))
    key = pseudonym_master_key(settings, create=False)
    return Pseudonymiser(key, config.domains, mac=mac)


@dataclass(frozen=True, slots=True)
class InitReport:
    """What `cdp init` created or found."""

    kek_versions: list[int]
    active_kek: int
    created_kek: bool
    revision: str | None


def init_store(settings: Settings) -> InitReport:
    """Creates var/, keys and the schema; safe to run again (it only adds what is missing)."""
    settings.var_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    provider = build_kek_provider(settings)
    created = False
    if not provider.versions():
        if settings.kek_provider is not KekProviderName.LOCAL_FILE:
            raise NotInitialised("no KEK available: set CDP_KEK_V1 (base64) for the env provider")
        provider.create_version()
        created = True
    blind_index_master_key(settings, create=True)
    audit_key(settings, create=True)
    pseudonym_master_key(settings, create=True)
    _token_key(settings)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with transaction(engine) as conn:
            active = keyadmin.register_versions(conn, provider, utcnow())
        return InitReport(provider.versions(), active, created, current_revision(engine))
    finally:
        engine.dispose()


def build_platform(settings: Settings | None = None) -> Platform:
    """Builds the platform for an initialised store, refusing a stale schema or missing keys."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    try:
        return _assemble(settings, engine)
    except BaseException:
        engine.dispose()
        raise


def _assemble(settings: Settings, engine: Engine) -> Platform:
    if current_revision(engine) != head_revision():
        raise NotInitialised("the database schema is not at head: run `cdp init`")
    provider = build_kek_provider(settings)
    with transaction(engine) as conn:
        try:
            active = keyadmin.register_versions(conn, provider, utcnow())
        except keyadmin.KeyAdminError as exc:
            raise NotInitialised(str(exc)) from None
    if active not in provider.versions():
        raise KekUnavailable(f"the active KEK version {active} is not available from the provider")
    suite = suite_of(settings)
    keyring = DataKeyring(provider, suite, active, cache_size=settings.data_key_cache_size)
    indexer = BlindIndexer(blind_index_master_key(settings, create=False), blind_index_hash(suite))
    catalogue = load_catalogue(policy_dir(settings))
    policy = build_policy_engine(catalogue, policy_dir(settings))
    purposes = parse_purposes(load_yaml(policy_dir(settings) / "purposes.yaml"))
    notices = parse_notices(load_yaml(policy_dir(settings) / "notices.yaml"), purposes)
    masking = load_masking_config(policy_dir(settings))
    detector = LazyDetector(settings)
    return Platform(
        settings=settings,
        engine=engine,
        catalogue=catalogue,
        sources=load_sources(policy_dir(settings), catalogue),
        kek=provider,
        keyring=keyring,
        vault=ProfileVault(keyring=keyring, indexer=indexer, suite=suite),
        policy=policy,
        masks=default_registry(free_text=detector.anonymize),
        purposes=purposes,
        notices=notices,
        audit=SqlAuditTrail(audit_key(settings, create=False), settings.audit_chains),
        pseudonyms=build_pseudonymiser(settings, masking),
        masking=masking,
        note_masker=detector,
    )
