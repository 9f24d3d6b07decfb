"""Key administration: register KEK versions, rotate online and resumably, retire, crypto-shred.

Rotation re-wraps data keys in batches, each batch its own transaction, guarded on the version it
read, so a crash (or a concurrent writer) never leaves a key wrapped by nothing; re-running resumes.
Records stay readable throughout because every data key names the KEK version that wraps it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from audit.tags import AuditTag, Decision
from cdp.auditing.recorder import AuditRecorder
from cdp.crypto import DataKeyring, KekProvider
from cdp.db.engine import transaction
from cdp.db.models import Customer, KekVersion, MaskedProfile, table_of
from cdp.profiles import repository as repo
from cdp.profiles.resolution import utcnow

kek_t = table_of(KekVersion)
ACTIVE, PREVIOUS, RETIRED = "active", "previous", "retired"


class KeyAdminError(RuntimeError):
    """A key operation that must not go ahead; the message says why, `code` names it."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.code = code


def _refused(
    engine: Engine,
    audit: AuditRecorder | None,
    tag: AuditTag,
    error: KeyAdminError,
    **details: object,
) -> None:
    """Records a refused key operation in its own transaction (the operation's rolled back)."""
    if audit is not None:
        with transaction(engine) as conn:
            audit.record(conn, tag, Decision.DENY, reason=error.code, **details)


@dataclass(frozen=True, slots=True)
class KekStatus:
    """One KEK version and how many data keys it still wraps."""

    version: int
    status: str
    data_keys: int


def register_versions(conn: Connection, provider: KekProvider, now: datetime) -> int:
    """Records provider versions the store has not seen; returns the active version."""
    known = {row.version: row.status for row in conn.execute(select(kek_t))}
    for version in provider.versions():
        if version not in known:
            conn.execute(
                kek_t.insert(),
                {
                    "version": version,
                    "provider": provider.name,
                    "status": PREVIOUS,
                    "created_at": now,
                    "retired_at": None,
                },
            )
            known[version] = PREVIOUS
    if ACTIVE not in known.values():
        newest = max((v for v, s in known.items() if s != RETIRED), default=None)
        if newest is None:
            raise KeyAdminError("no key-encryption key is available: run `cdp init`")
        _set_status(conn, newest, ACTIVE)
    return active_version(conn)


def active_version(conn: Connection) -> int:
    """Returns the KEK version new data keys are wrapped with."""
    version = conn.execute(select(kek_t.c.version).where(kek_t.c.status == ACTIVE)).scalar()
    if version is None:
        raise KeyAdminError("the store has no active key-encryption key: run `cdp init`")
    return int(version)


def status(conn: Connection) -> list[KekStatus]:
    """Lists KEK versions with the number of data keys each still wraps."""
    counts: dict[int, int] = dict(
        conn.execute(
            select(repo.key_t.c.kek_version, func.count()).group_by(repo.key_t.c.kek_version)
        ).all()
    )
    rows = conn.execute(select(kek_t.c.version, kek_t.c.status).order_by(kek_t.c.version))
    return [KekStatus(v, s, int(counts.get(v, 0))) for v, s in rows]


@dataclass(frozen=True, slots=True)
class RotationReport:
    """What a rotate call did."""

    target_version: int
    started_new_version: bool
    rewrapped: int


def rotate(
    engine: Engine,
    provider: KekProvider,
    keyring: DataKeyring,
    *,
    batch_size: int = 1000,
    on_progress: Callable[[int, int], None] | None = None,
    audit: AuditRecorder | None = None,
) -> RotationReport:
    """Finishes an unfinished rotation or starts one with a new KEK version; re-wraps every key."""
    with transaction(engine) as conn:
        target = active_version(conn)
        started = _remaining(conn, target) == 0
        if started:
            target = _start_new_version(conn, provider, target)
        total = _remaining(conn, target)
        if audit is not None:
            reason = f"{'started' if started else 'resumed'}:kek_v{target}"
            audit.record(
                conn, AuditTag.KEY_ROTATE, Decision.ALLOW, reason=reason, record_count=total
            )
    keyring.active_kek_version = target
    done = 0
    while True:
        with transaction(engine) as conn:
            moved = _rewrap_batch(conn, keyring, target, batch_size)
        if not moved:
            break
        done += moved
        if on_progress:
            on_progress(done, total)
    return RotationReport(target, started, done)


def _remaining(conn: Connection, target: int) -> int:
    query = select(func.count()).select_from(repo.key_t).where(repo.key_t.c.kek_version != target)
    return int(conn.execute(query).scalar_one())


def _start_new_version(conn: Connection, provider: KekProvider, current: int) -> int:
    """Activates a newer version the provider already holds (env, KMS), or has it create one."""
    newer = [v for v in provider.versions() if v > current]
    version = max(newer) if newer else provider.create_version()
    exists = conn.execute(select(kek_t.c.version).where(kek_t.c.version == version)).first()
    if exists is None:
        conn.execute(
            kek_t.insert(),
            {
                "version": version,
                "provider": provider.name,
                "status": ACTIVE,
                "created_at": utcnow(),
                "retired_at": None,
            },
        )
    _set_status(conn, version, ACTIVE)
    _set_status(conn, current, PREVIOUS)
    return version


def _rewrap_batch(conn: Connection, keyring: DataKeyring, target: int, size: int) -> int:
    key_t = repo.key_t
    cols = (key_t.c.customer_id, key_t.c.wrapped_key, key_t.c.kek_version, key_t.c.dek_version)
    query = select(*cols).where(key_t.c.kek_version != target).order_by(key_t.c.customer_id)
    rows = conn.execute(query.limit(size)).all()
    now = utcnow()
    updates = [
        {
            "b_cid": cid,
            "b_old": old,
            "b_wrapped": keyring.rewrap(cid, bytes(wrapped), old, dek, target),
            "b_new": target,
            "b_at": now,
        }
        for cid, wrapped, old, dek in rows
    ]
    if updates:
        statement = (
            update(key_t)
            .where(
                key_t.c.customer_id == bindparam("b_cid"), key_t.c.kek_version == bindparam("b_old")
            )
            .values(
                wrapped_key=bindparam("b_wrapped"),
                kek_version=bindparam("b_new"),
                rotated_at=bindparam("b_at"),
            )
        )
        conn.execute(statement, updates)
    return len(updates)


def retire(
    engine: Engine, provider: KekProvider, version: int, audit: AuditRecorder | None = None
) -> None:
    """Destroys an old KEK version once no data key depends on it (audited, refusals too)."""
    try:
        _retire(engine, provider, version, audit)
    except KeyAdminError as error:
        _refused(engine, audit, AuditTag.KEY_RETIRE, error)
        raise


def _retire(
    engine: Engine, provider: KekProvider, version: int, audit: AuditRecorder | None
) -> None:
    with transaction(engine) as conn:
        row = conn.execute(select(kek_t.c.status).where(kek_t.c.version == version)).first()
        if row is None:
            raise KeyAdminError(f"KEK version {version} is unknown to the store", "unknown_version")
        if row.status == ACTIVE:
            raise KeyAdminError(f"KEK version {version} is active: rotate first", "active_version")
        users = conn.execute(
            select(func.count()).select_from(repo.key_t).where(repo.key_t.c.kek_version == version)
        ).scalar_one()
        if users:
            raise KeyAdminError(
                f"KEK version {version} still wraps {users} data keys: "
                "finish `cdp keys rotate` first",
                "still_in_use",
            )
        conn.execute(
            update(kek_t)
            .where(kek_t.c.version == version)
            .values(status=RETIRED, retired_at=utcnow())
        )
        if audit is not None:
            audit.record(conn, AuditTag.KEY_RETIRE, Decision.ALLOW, reason=f"kek_v{version}")
    with transaction(engine) as conn:  # did a writer wrap a key under it just before the mark?
        late = conn.execute(
            select(func.count()).select_from(repo.key_t).where(repo.key_t.c.kek_version == version)
        ).scalar_one()
        if late:
            _set_status(conn, version, PREVIOUS)
    if late:
        raise KeyAdminError(
            f"KEK version {version} was used meanwhile: rotate again, then retire", "used_meanwhile"
        )
    if row.status != RETIRED:
        provider.destroy_version(version)


def shred(
    engine: Engine, keyring: DataKeyring, customer_id: str, audit: AuditRecorder | None = None
) -> None:
    """Crypto-shreds one customer: destroys the data key and every blind index of theirs.

    Deleted rows can survive in free pages, the SQLite WAL or PostgreSQL dead tuples, so the
    delete overwrites freed content and the files are then compacted (see `_purge_freed`).
    """
    try:
        _shred(engine, keyring, customer_id, audit)
    except KeyAdminError as error:
        _refused(engine, audit, AuditTag.KEY_SHRED, error, customer_ids=(customer_id,))
        raise


def _shred(
    engine: Engine, keyring: DataKeyring, customer_id: str, audit: AuditRecorder | None
) -> None:
    customer_t = table_of(Customer)
    with transaction(engine) as conn:
        found = conn.execute(
            select(customer_t.c.customer_id).where(customer_t.c.customer_id == customer_id)
        ).first()
        if found is None:
            raise KeyAdminError("no such customer", "no_such_customer")
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
        repo.delete_where_customer(conn, repo.key_t, customer_id)
        repo.delete_where_customer(conn, repo.digest_t, customer_id)
        repo.delete_where_customer(conn, table_of(MaskedProfile), customer_id)  # pseudonym too
        conn.execute(  # plain columns could re-identify the person together: clear them too
            update(repo.profile_t)
            .where(repo.profile_t.c.customer_id == customer_id)
            .values(
                {c.name: None for c in repo.profile_t.columns if _is_plain(c.name)}
                | {"provenance": []}
            )
        )
        conn.execute(
            update(customer_t)
            .where(customer_t.c.customer_id == customer_id)
            .values(shredded_at=utcnow())
        )
        if audit is not None:
            audit.record(conn, AuditTag.KEY_SHRED, Decision.ALLOW, customer_ids=(customer_id,))
    keyring.forget(customer_id)
    _purge_freed(engine)


def _is_plain(column: str) -> bool:
    return column not in {"customer_id", "provenance", "updated_at"} and not column.endswith("_ct")


def _purge_freed(engine: Engine) -> None:
    """Pushes deleted key material out of the WAL (SQLite) or dead tuples (PostgreSQL)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "sqlite":
            busy, log, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            if busy or log != done:
                raise KeyAdminError(
                    "the data key is deleted but old copies may remain in the WAL because a "
                    "reader holds the database open; run `cdp keys shred` again once it is idle",
                    "wal_busy",
                )
        else:
            conn.exec_driver_sql("VACUUM customer_key")
            conn.exec_driver_sql("VACUUM blind_index")


def _set_status(conn: Connection, version: int, value: str) -> None:
    conn.execute(update(kek_t).where(kek_t.c.version == version).values(status=value))
