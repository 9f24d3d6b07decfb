"""Registered API clients on SQLite and PostgreSQL: registry, key hashing, cache, audit, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from audit.tags import AuditTag, Decision
from cdp.apiclients import (
    ApiClient,
    ClientCache,
    ClientInvalid,
    ClientNotFound,
    ClientRegistry,
    DuplicateClient,
    TokenIssuer,
    UnknownRole,
    hash_key,
    token_signing_key,
)
from cdp.apiclients.repository import client_t
from cdp.auditing.query import AuditFilter, Hit, find_events
from cdp.bootstrap import NotInitialised, Platform, audit_key, init_store
from cdp.cli.main import app
from cdp.db.engine import transaction
from cdp.db.models import AuditLink, table_of
from cdp.settings import Settings
from tests.conftest import cli_env

ROLES = ["customer_service", "relationship_manager"]


@pytest.fixture
def registry(platform: Platform) -> ClientRegistry:
    """The client registry of a fresh platform, audited into its trail."""
    return ClientRegistry(audit=platform.recorder)


def known(platform: Platform) -> list[str]:
    """The role names the shipped policy defines."""
    return [role.name for role in platform.policy.roles]


def add(
    platform: Platform, registry: ClientRegistry, name: str = "crm-gateway", **extra: object
) -> tuple[ApiClient, str]:
    """Registers a client in its own transaction."""
    values: dict[str, object] = {"roles": ["customer_service"], **extra}
    with transaction(platform.engine) as conn:
        return registry.add(conn, name, known_roles=known(platform), **values)  # type: ignore[arg-type]


def test_when_clients_are_added_listed_and_disabled_then_the_registry_reflects_it(
    platform: Platform, registry: ClientRegistry
) -> None:
    client, key = add(platform, registry, roles=ROLES, attributes={"branches": " 310101,110105,"})
    assert client.client_id.startswith("cli_")
    assert len(client.client_id) == 20
    assert key.startswith("cdpk_")
    with platform.engine.connect() as conn:
        (listed,) = registry.list(conn)
        assert listed == client
        assert listed.roles == frozenset(ROLES)
        assert listed.attributes == {"branches": "110105,310101"}
        assert registry.get(conn, client.client_id) == client
    with transaction(platform.engine) as conn:
        disabled = registry.disable(conn, "crm-gateway")
        assert registry.disable(conn, client.client_id) == disabled  # again: a no-op
    with platform.engine.connect() as conn:
        assert registry.get(conn, client.client_id) == disabled
        assert disabled.disabled
        assert disabled.disabled_at is not None
        assert registry.active(conn, client.client_id) is None


@pytest.mark.parametrize(
    ("name", "roles", "error"),
    [
        ("crm-gateway", ["customer_service"], DuplicateClient),  # the name is taken
        ("other", ["customer_service", "root"], UnknownRole),  # the policy has no `root`
        ("other", [" ", ""], ClientInvalid),  # no role at all
        ("Bad Name", ["customer_service"], ClientInvalid),  # spaces and capitals
        ("cli_0123456789abcdef", ["customer_service"], ClientInvalid),  # looks like an id
    ],
)
def test_when_an_add_is_invalid_then_it_is_refused_and_nothing_is_stored(
    platform: Platform,
    registry: ClientRegistry,
    name: str,
    roles: list[str],
    error: type[Exception],
) -> None:
    add(platform, registry)
    with pytest.raises(error), transaction(platform.engine) as conn:
        registry.add(conn, name, roles=roles, known_roles=known(platform))
    with platform.engine.connect() as conn:
        assert [c.name for c in registry.list(conn)] == ["crm-gateway"]


def test_when_a_role_is_unknown_then_the_error_lists_the_known_ones(
    platform: Platform, registry: ClientRegistry
) -> None:
    with pytest.raises(UnknownRole) as raised:
        add(platform, registry, roles=["root"])
    assert "root" in str(raised.value)
    assert "customer_service" in str(raised.value)


def test_when_disabling_an_unknown_client_then_it_is_refused(
    platform: Platform, registry: ClientRegistry
) -> None:
    with pytest.raises(ClientNotFound), transaction(platform.engine) as conn:
        registry.disable(conn, "nobody")


def _other_secret(key: str) -> str:
    """The same prefix with a different (well-formed) secret."""
    last = "A" if key[-1] != "A" else "B"
    return key[:-1] + last


@pytest.mark.parametrize(
    ("presented", "accepted"),
    [
        (lambda key: key, True),  # the key as issued
        (_other_secret, False),  # right prefix, wrong secret
        (lambda key: key[:-1], False),  # truncated: malformed
        (lambda key: "cdpk_000000000000_" + key.rsplit("_", 1)[-1], False),  # unknown prefix
        (lambda key: "", False),  # empty
        (lambda key: key + "x" * 10_000, False),  # over-long
        (lambda key: "Bearer " + key, False),  # with a scheme in front
    ],
)
def test_when_a_key_is_presented_then_only_the_issued_one_authenticates(
    platform: Platform, registry: ClientRegistry, presented, accepted: bool
) -> None:
    client, key = add(platform, registry)
    with platform.engine.connect() as conn:
        found = registry.authenticate(conn, presented(key))
    assert (found == client) is accepted
    assert found is None or accepted


def test_when_a_client_is_disabled_then_its_key_no_longer_authenticates(
    platform: Platform, registry: ClientRegistry
) -> None:
    _client, key = add(platform, registry)
    with transaction(platform.engine) as conn:
        registry.disable(conn, "crm-gateway")
    with platform.engine.connect() as conn:
        assert registry.authenticate(conn, key) is None


def test_when_a_client_is_stored_then_neither_the_key_nor_its_secret_is_in_the_database(
    platform: Platform, registry: ClientRegistry
) -> None:
    _client, key = add(platform, registry)
    with transaction(platform.engine) as conn:
        registry.disable(conn, "crm-gateway")
    secret = key.rsplit("_", 1)[-1]
    with platform.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(select(client_t))]
        links = [bytes(r.body) for r in conn.execute(select(table_of(AuditLink)))]
    stored = repr(rows)
    assert key not in stored
    assert secret not in stored
    assert hash_key(key) in stored  # the digest is what is kept
    blob = b"".join(links)
    for forbidden in (key, secret, hash_key(key)):
        assert forbidden.encode() not in blob


def test_when_clients_change_then_audit_events_name_them_without_key_material(
    platform: Platform, registry: ClientRegistry
) -> None:
    client, key = add(platform, registry)
    with transaction(platform.engine) as conn:
        registry.disable(conn, client.client_id)
        registry.disable(conn, client.client_id)  # a no-op is not audited again
    with platform.engine.connect() as conn:
        audit = audit_key(platform.settings, create=False)
        hits = list(find_events(conn, audit, AuditFilter(action="client:*")))
    events = [h.event for h in hits if isinstance(h, Hit)]
    assert [e.action for e in events] == [AuditTag.CLIENT_ADD, AuditTag.CLIENT_DISABLE]
    for event in events:
        assert event.decision is Decision.ALLOW
        assert event.reason == f"client:{client.client_id}:crm-gateway"
        assert key not in repr(event)
        assert hash_key(key) not in repr(event)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_when_a_cached_client_is_disabled_then_it_is_refused_once_the_ttl_has_passed(
    platform: Platform, registry: ClientRegistry
) -> None:
    clock = FakeClock()
    cache = ClientCache(platform.engine, registry, ttl_seconds=5, clock=clock)
    client, key = add(platform, registry)
    assert cache.authenticate(key) == client
    assert cache.active(client.client_id) == client
    with transaction(platform.engine) as conn:
        registry.disable(conn, client.client_id)
    clock.now += 4.9  # within the TTL: the cached answer stands
    assert cache.authenticate(key) == client
    assert cache.active(client.client_id) == client
    clock.now += 0.2  # past it: the database is asked again
    assert cache.authenticate(key) is None
    assert cache.active(client.client_id) is None


def test_when_a_wrong_key_is_presented_then_the_cache_does_not_remember_it(
    platform: Platform, registry: ClientRegistry
) -> None:
    cache = ClientCache(platform.engine, registry, ttl_seconds=60, max_entries=2, clock=FakeClock())
    client, key = add(platform, registry)
    for attempt in range(5):
        assert cache.authenticate(_other_secret(key) + str(attempt)) is None
    assert cache.authenticate(key) == client


def test_when_a_token_is_issued_then_it_verifies_and_names_the_active_client(
    platform: Platform, registry: ClientRegistry
) -> None:
    client, _key = add(platform, registry, roles=ROLES, attributes={"branches": "110105"})
    issuer = TokenIssuer(token_signing_key(platform.settings, create=True), ttl_seconds=300)
    token, expires_in = issuer.issue(client)
    claims = issuer.verify(token)
    assert expires_in == 300
    assert (claims.client_id, claims.roles, dict(claims.attributes)) == (
        client.client_id,
        frozenset(ROLES),
        {"branches": "110105"},
    )
    with platform.engine.connect() as conn:
        assert registry.active(conn, claims.client_id) == client


def test_when_no_token_key_exists_then_it_is_created_only_on_request(tmp_path) -> None:
    settings = Settings(key_dir=tmp_path / "keys", var_dir=tmp_path)
    with pytest.raises(NotInitialised):
        token_signing_key(settings, create=False)
    created = token_signing_key(settings, create=True)
    assert len(created) >= 32
    assert token_signing_key(settings, create=False) == created
    assert (tmp_path / "keys" / "token.key").stat().st_mode & 0o077 == 0


# --- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def env(settings: Settings) -> Iterator[dict[str, str]]:
    """An initialised store for the CLI."""
    init_store(settings)
    return cli_env(settings)


def run(env: dict[str, str], *args: str):
    """Invokes the CLI in-process."""
    return CliRunner().invoke(app, list(args), env=env)


def test_when_clients_are_managed_through_the_cli_then_the_key_is_printed_once(
    env: dict[str, str],
) -> None:
    added = run(env, "clients", "add", "crm-gateway", "--roles", ",".join(ROLES), "--json")
    assert added.exit_code == 0, added.output
    body = json.loads(added.stdout)
    key = body["api_key"]
    assert key.startswith("cdpk_")
    assert "not stored" in added.stderr
    rm = ("--roles", "relationship_manager", "--branches", "110105,310101")
    text = run(env, "clients", "add", "rm-app", *rm)
    assert text.exit_code == 0, text.output
    assert "cdpk_" in text.stdout
    listed = run(env, "clients", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["rm-app"]["attributes"] == {"branches": "110105,310101"}
    assert rows["crm-gateway"]["roles"] == sorted(ROLES)
    table = run(env, "clients", "list")
    for output in (listed.output, table.output):
        assert "cdpk_" not in output
        assert hash_key(key) not in output
    disabled = run(env, "clients", "disable", body["client_id"])
    assert disabled.exit_code == 0, disabled.output
    assert run(env, "clients", "disable", "crm-gateway").exit_code == 0  # idempotent
    rows = {row["name"]: row for row in json.loads(run(env, "clients", "list", "--json").stdout)}
    assert rows["crm-gateway"]["disabled"]
    assert not rows["rm-app"]["disabled"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "crm-gateway", "--roles", "customer_service"), "already registered"),  # duplicate
        (("add", "x", "--roles", "root"), "known roles"),  # unknown role
        (("disable", "nobody"), "no client"),  # unknown client
    ],
)
def test_when_a_cli_request_is_refused_then_it_exits_2_with_a_reason(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    assert run(env, "clients", "add", "crm-gateway", "--roles", "customer_service").exit_code == 0
    result = run(env, "clients", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_when_a_credential_is_resolved_then_keys_and_tokens_both_name_the_enabled_client(
    platform: Platform, registry: ClientRegistry
) -> None:
    clock = FakeClock()
    cache = ClientCache(platform.engine, registry, ttl_seconds=5, clock=clock)
    tokens = TokenIssuer(token_signing_key(platform.settings, create=True), ttl_seconds=300)
    client, key = add(platform, registry)
    token, _ = tokens.issue(client)
    assert cache.resolve(tokens, key) == (client, "key", None)
    assert cache.resolve(tokens, token) == (client, "token", None)
    assert cache.resolve(tokens, _other_secret(key)) == (None, "key", "bad_key")
    assert cache.resolve(tokens, token[:-3]) == (None, "token", "bad_signature")
    assert cache.resolve(tokens, "garbage") == (None, "token", "malformed")
    with transaction(platform.engine) as conn:
        registry.disable(conn, client.client_id)
    clock.now += 6  # past the TTL: the token is still valid, its client no longer
    assert cache.resolve(tokens, token) == (None, "token", "client_disabled")
    assert cache.resolve(tokens, key) == (None, "key", "bad_key")
