"""Issue 2 figures: ingest throughput (and against a plaintext baseline), lookups, decryption."""

from __future__ import annotations

import csv
import random
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.plain import PlainVault
from cdp.bootstrap import Platform, build_platform, init_store
from cdp.db.models import Profile
from cdp.profiles import repository as repo
from cdp.profiles.ingest import Ingestor
from cdp.profiles.lookup import find_by_identifier
from cdp.profiles.resolution import BatchApplier
from cdp.profiles.vault import ct_column
from cdp.settings import Settings

SOURCES = ("core_banking", "credit_card", "mobile_app")


def metric(value: float, unit: str, target: str, **extra: Any) -> dict[str, Any]:
    """Shapes one result entry."""
    return {"value": round(value, 2), "unit": unit, "target": target, "issue": 2, **extra}


def fresh_platform(root: Path, name: str) -> Platform:
    """Initialises an empty SQLite store with its own keys."""
    settings = Settings(
        database_url=f"sqlite:///{root / name / 'cdp.db'}",
        var_dir=root / name,
        key_dir=root / name / "keys",
        log_file=root / name / "cdp.log",
    )
    init_store(settings)
    return build_platform(settings)


def timed_ingest(platform: Platform, files: dict[str, Path], plain: bool) -> float:
    """Ingests every file into a fresh store; returns profiles (rows read) per second."""
    vault: Any = PlainVault(platform.keyring.active_kek_version) if plain else platform.vault
    applier = BatchApplier(catalogue=platform.catalogue, sources=platform.sources, vault=vault)
    ingestor = Ingestor(
        engine=platform.engine,
        catalogue=platform.catalogue,
        sources=platform.sources,
        applier=applier,
        batch_size=platform.settings.ingest_batch_size,
    )
    rows, started = 0, time.perf_counter()
    for source in SOURCES:
        rows += ingestor.ingest_file(files[source], source).read
    return rows / (time.perf_counter() - started)


def full_path_ingest(platform: Platform, files: dict[str, Path]) -> float:
    """Profiles/s through the platform's own ingestor: the view refresh and note masking too."""
    if platform.note_masker is not None:
        _ = platform.note_masker.version  # build the detector before the clock starts
    ingestor, rows, started = platform.ingestor(), 0, time.perf_counter()
    for source in SOURCES:
        rows += ingestor.ingest_file(files[source], source).read
    return rows / (time.perf_counter() - started)


def p50_us(samples: list[float]) -> float:
    """Median of second samples, in microseconds."""
    return statistics.median(samples) * 1e6


def lookup_us(platform: Platform, files: dict[str, Path], rounds: int) -> float:
    """Median time of one blind-index search by mobile, input validation included."""
    with files["core_banking"].open(encoding="utf-8") as handle:
        mobiles = [row["mobile"] for row in csv.DictReader(handle) if row.get("mobile")]
    rng = random.Random(7)
    samples = []
    for _ in range(rounds):
        value = rng.choice(mobiles)
        started = time.perf_counter()
        with platform.engine.connect() as conn:
            find_by_identifier(conn, platform.catalogue, platform.vault, "mobile", value)
        samples.append(time.perf_counter() - started)
    return p50_us(samples)


def decrypt_us(platform: Platform, rounds: int) -> tuple[float, float]:
    """Median time to open all encrypted fields of one profile (key cached), and a full read."""
    encrypted = [f.name for f in platform.catalogue.encrypted]
    with platform.engine.connect() as conn:
        rows = conn.execute(select(Profile.__table__).limit(rounds)).mappings().all()
        keys = repo.load_keys(conn, [r["customer_id"] for r in rows])
        opens, reads = [], []
        for row in rows:
            cid = row["customer_id"]
            cts = {f: row[ct_column(f)] for f in encrypted}
            platform.vault.open_fields(cid, keys[cid], cts, encrypted)  # warm the key cache
            started = time.perf_counter()
            platform.vault.open_fields(cid, keys[cid], cts, encrypted)
            opens.append(time.perf_counter() - started)
            started = time.perf_counter()
            platform.store.read(conn, cid, encrypted)
            reads.append(time.perf_counter() - started)
    return p50_us(opens), p50_us(reads)


def run(root: Path, *, quick: bool) -> tuple[dict[str, dict[str, Any]], Settings, Path]:
    """Runs the ingest benchmarks in `root`: secure and plain ingests interleaved, best of N.

    Returns the figures, the settings of the last secure store and the core-banking file, for
    the read-side benchmarks that run in a fresh process against that store.
    """
    from cdp.synth.files import generate_demo_files

    customers, rounds = (5_000, 2) if quick else (20_000, 3)
    files, summary = generate_demo_files(root / "data", customers, 20261123)
    secure_rates: list[float] = []
    plain_rates: list[float] = []
    kept: Settings | None = None
    for attempt in range(rounds):
        for plain in (False, True):
            platform = fresh_platform(root, f"{'plain' if plain else 'secure'}-{attempt}")
            (plain_rates if plain else secure_rates).append(timed_ingest(platform, files, plain))
            if not plain:
                kept = platform.settings
            platform.close()
    if kept is None:
        raise RuntimeError("no secure store was kept for the read benchmarks")
    full_files, _ = generate_demo_files(root / "full-data", 1_500 if quick else customers, 7)
    platform = fresh_platform(root, "full-path")
    full_rate = full_path_ingest(platform, full_files)
    platform.close()
    rate, plain_rate = max(secure_rates), max(plain_rates)
    figures = {
        "ingest_profiles_per_s": metric(
            rate,
            "profiles/s",
            ">= 10000",
            rows=sum(summary.rows.values()),
            runs=[round(r) for r in secure_rates],
        ),
        "ingest_vs_plain_ratio": metric(
            rate / plain_rate,
            "ratio",
            ">= 0.6",
            plain_profiles_per_s=round(plain_rate),
            plain_runs=[round(r) for r in plain_rates],
        ),
        "ingest_with_masked_view_profiles_per_s": metric(
            full_rate,
            "profiles/s",
            "reported",
            note="the CLI's path: + masked-view refresh and service-note PII masking, in-txn",
        ),
    }
    return figures, kept, files["core_banking"]


def read_figures(platform: Platform, core_file: Path, quick: bool) -> dict[str, dict[str, Any]]:
    """Lookup and decryption figures on a loaded store."""
    lookup = lookup_us(platform, {"core_banking": core_file}, 500 if quick else 3000)
    opened, read = decrypt_us(platform, 500 if quick else 3000)
    return {
        "blind_index_lookup_us": metric(lookup, "us (p50)", "<= 100"),
        "profile_decrypt_us": metric(
            opened, "us (p50)", "<= 50", fields=len(platform.catalogue.encrypted)
        ),
        "profile_read_us": metric(read, "us (p50)", "reported", note="row fetch + decrypt"),
    }
