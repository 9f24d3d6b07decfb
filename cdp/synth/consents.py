"""Synthetic consent events across every channel, in the wire shape of the consent API and files.

Grants, withdrawals, refusals, guardian grants for children under 14, grants that expire, and a
second notice version that requires re-consent; deterministic per seed.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cdp.synth.people import Person
from cdp.timezones import CHINA_STANDARD_TIME

SNAPSHOT = datetime(2026, 10, 31, 12, 0, tzinfo=CHINA_STANDARD_TIME)
CHANNELS = ("app", "web", "branch", "call_center", "sms", "wechat", "ivr", "paper")
STAFFED = {"branch", "call_center", "paper"}
MARKETING = {"P05": "separate", "P06": "separate", "P07": "consent", "P14": "consent"}


@dataclass(frozen=True, slots=True)
class ConsentPlan:
    """How many events of each kind were generated."""

    events: int
    by_action: dict[str, int]
    minors: int


def consent_events(people: Sequence[Person], seed: int) -> tuple[list[dict[str, Any]], ConsentPlan]:
    """Generates consent events for the given people, oldest first."""
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    minors = 0
    for person in people:
        if _age(person) < 14:
            minors += 1
            events.extend(_guardian_events(rng, person))
            continue
        for purpose, kind in MARKETING.items():
            events.extend(_subject_events(rng, person, purpose, kind))
    events.sort(key=lambda e: (e["occurred_at"], e["event_id"]))
    counts: dict[str, int] = {}
    for event in events:
        counts[event["action"]] = counts.get(event["action"], 0) + 1
    return events, ConsentPlan(len(events), counts, minors)


def _subject_events(
    rng: random.Random, person: Person, purpose: str, kind: str
) -> Iterator[dict[str, Any]]:
    roll = rng.random()
    if roll < 0.15:
        return
    start = SNAPSHOT - timedelta(days=rng.randint(30, 700), minutes=rng.randint(0, 1440))
    if roll < 0.25:
        yield _event(rng, person, purpose, "refuse", None, start)
        return
    expires = start + timedelta(days=rng.choice((90, 180))) if rng.random() < 0.05 else None
    yield _event(rng, person, purpose, "grant", kind, start, expires=expires)
    if rng.random() < 0.12:
        withdrawn = start + timedelta(days=rng.randint(1, 25))
        yield _event(rng, person, purpose, "withdraw", None, withdrawn)
        if rng.random() < 0.3:
            back = withdrawn + timedelta(days=rng.randint(1, 20))
            yield _event(rng, person, purpose, "grant", kind, back)


def _guardian_events(rng: random.Random, person: Person) -> Iterator[dict[str, Any]]:
    start = SNAPSHOT - timedelta(days=rng.randint(30, 400))
    guardian = {
        "kind": "guardian",
        "relationship": rng.choice(("mother", "father")),
        "guardian": {"mobile": person.mobile},
    }
    yield _event(rng, person, "P13", "grant", "guardian", start, actor=guardian)
    if rng.random() < 0.5:
        yield _event(rng, person, "P06", "grant", "guardian", start, actor=guardian)


def _event(
    rng: random.Random,
    person: Person,
    purpose: str,
    action: str,
    consent_type: str | None,
    at: datetime,
    *,
    expires: datetime | None = None,
    actor: dict[str, Any] | None = None,
) -> dict[str, Any]:
    channel = rng.choice(CHANNELS)
    reference = {"id_number": person.id_number} if rng.random() < 0.7 else {"mobile": person.mobile}
    event: dict[str, Any] = {
        "event_id": f"{channel}-{at:%Y%m%d}-{rng.getrandbits(40):010x}",
        "customer": reference,
        "purpose": purpose,
        "action": action,
        "channel": channel,
        "actor": actor or _actor(rng, channel),
        "occurred_at": at.isoformat(timespec="seconds"),
        "evidence": {"signature_sha256": hashlib.sha256(rng.randbytes(16)).hexdigest()},
    }
    if action == "grant":
        event["consent_type"] = consent_type
        event["notice_version"] = f"{purpose}-v1"
        event["expires_at"] = expires.isoformat(timespec="seconds") if expires else None
    return event


def _actor(rng: random.Random, channel: str) -> dict[str, Any]:
    if channel in STAFFED:
        return {"kind": "staff", "staff_id": f"S{rng.randint(10000, 99999)}"}
    return {"kind": "subject"}


def _age(person: Person) -> int:
    born = date.fromisoformat(person.birth_date)
    today = SNAPSHOT.date()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def write_consent_files(events: list[dict[str, Any]], out_dir: Path) -> dict[str, Path]:
    """Writes app/web/... events as JSONL and branch paper forms as CSV with dotted columns."""
    import csv
    import os

    out_dir.mkdir(parents=True, exist_ok=True)
    paper = [e for e in events if e["channel"] == "paper"]
    online = [e for e in events if e["channel"] != "paper"]
    jsonl, table = out_dir / "consent_events.jsonl", out_dir / "branch_paper_forms.csv"
    with os.fdopen(
        os.open(jsonl, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8"
    ) as handle:
        for event in online:
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")
    flat = [_flatten(e) for e in paper]
    columns = sorted({key for row in flat for key in row})
    with os.fdopen(
        os.open(table, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        "w",
        encoding="utf-8",
        newline="",
    ) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(flat)
    return {"jsonl": jsonl, "csv": table}


def _flatten(event: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in event.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        elif value is not None:
            flat[name] = str(value)
    return flat
