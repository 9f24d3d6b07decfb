"""Checkpoints, resumable verification and retention pruning of the audit trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from typer.testing import CliRunner, Result

from audit import verify as verify_module
from audit.retention import RetentionPolicy
from audit.tags import AuditTag, Decision
from cdp.auditing.prune import PruneRefused, prune
from cdp.auditing.recorder import AuditRecorder
from cdp.auditing.verifying import PROGRESS_FILE, trusted_start, verify_log
from cdp.bootstrap import Platform, audit_key
from cdp.cli.main import app
from cdp.db.models import AuditCheckpoint, AuditLink, AuditSubject
from tests.conftest import cli_env

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def backdated(platform: Platform, at: datetime, action: AuditTag, n: int = 1) -> None:
    """Appends `n` events as if they had happened at `at` (the recorder's clock is injected)."""
    recorder = AuditRecorder(platform.audit, clock=lambda: at)
    for i in range(n):
        with platform.engine.begin() as conn:
            recorder.record(conn, action, Decision.ALLOW, customer_ids=(f"c-{i}",))


def cdp(platform: Platform, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=cli_env(platform.settings))


def verify_json(platform: Platform, *args: str) -> tuple[int, dict[str, object]]:
    result = cdp(platform, "audit", "verify", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def links(platform: Platform) -> int:
    with platform.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditLink)).scalar_one())


def test_when_a_checkpoint_is_taken_then_verify_starts_there_and_exports_it(
    platform: Platform, tmp_path: Path
) -> None:
    backdated(platform, NOW, AuditTag.PROFILE_READ, 12)
    exported = tmp_path / "checkpoint.json"
    result = cdp(platform, "audit", "checkpoint", "--out", str(exported))
    assert result.exit_code == 0, result.stderr
    document = json.loads(exported.read_text())
    assert document["kind"] == "heads"
    assert document["count"] == 12
    backdated(platform, NOW, AuditTag.PROFILE_READ, 3)
    code, report = verify_json(platform)
    assert code == 0
    assert report["from"] == "checkpoint"
    assert report["checked"] == 3 + 1  # the new reads and the checkpoint's own event


def test_when_the_tail_is_cut_after_an_exported_checkpoint_then_verify_from_it_fails(
    platform: Platform, tmp_path: Path
) -> None:
    backdated(platform, NOW, AuditTag.PROFILE_READ, 8)
    exported = tmp_path / "checkpoint.json"
    assert cdp(platform, "audit", "checkpoint", "--out", str(exported)).exit_code == 0
    with platform.engine.begin() as conn:  # roll the log back: drop links and the checkpoints
        top = conn.execute(
            select(AuditLink.chain, func.max(AuditLink.seq)).group_by(AuditLink.chain)
        ).first()
        assert top is not None
        conn.execute(delete(AuditLink).where(AuditLink.chain == top[0], AuditLink.seq == top[1]))
        conn.execute(delete(AuditCheckpoint))
    code, report = verify_json(platform, "--checkpoint", str(exported))
    assert code == 1
    assert report["from"] == "file"
    assert {c["break"]["kind"] for c in report["chains"] if c["break"]} <= {"truncated", "deleted"}
    assert any(c["break"] for c in report["chains"])


def test_when_a_stored_checkpoint_is_forged_then_verify_refuses_to_trust_it(
    platform: Platform,
) -> None:
    backdated(platform, NOW, AuditTag.PROFILE_READ, 4)
    assert cdp(platform, "audit", "checkpoint").exit_code == 0
    with platform.engine.begin() as conn:
        text = conn.execute(select(AuditCheckpoint.document)).scalar_one()
        doc = json.loads(text)
        doc["chains"][0]["seq"] += 1
        doc["count"] += 1
        conn.execute(update(AuditCheckpoint).values(document=json.dumps(doc)))
    result = cdp(platform, "audit", "verify")
    assert result.exit_code == 1
    assert "untrusted checkpoint" in result.stderr


def test_when_a_run_is_interrupted_then_resume_continues_from_its_last_verified_heads(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    backdated(platform, NOW, AuditTag.PROFILE_READ, 40)
    monkeypatch.setattr(verify_module, "PROGRESS_EVERY", 5)
    key = audit_key(platform.settings, create=False)
    progress = platform.settings.var_dir / PROGRESS_FILE
    seen: list[int] = []

    def stop_after_two(done: int) -> None:
        seen.append(done)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with platform.engine.connect() as conn:
        start = trusted_start(conn, key)
        with pytest.raises(KeyboardInterrupt):
            verify_log(conn, key, 4, start, on_progress=stop_after_two, progress_file=progress)
    assert progress.exists()
    code, report = verify_json(platform, "--resume")
    assert code == 0
    assert report["from"] == "resume"
    assert report["checked"] < 40
    assert not progress.exists()  # a finished run leaves no resume point


def test_when_months_pass_retention_then_prune_removes_them_and_verify_still_passes(
    platform: Platform,
) -> None:
    backdated(platform, datetime(2023, 3, 10, tzinfo=UTC), AuditTag.PROFILE_READ, 6)
    backdated(platform, datetime(2023, 11, 5, tzinfo=UTC), AuditTag.PROFILE_READ, 4)
    backdated(platform, NOW - timedelta(days=1), AuditTag.PROFILE_READ, 5)
    key = audit_key(platform.settings, create=False)
    policy = RetentionPolicy()  # reads: 36 months
    planned = prune(platform.engine, key, 4, policy, NOW, platform.recorder)
    assert planned.boundary == datetime(2023, 11, 1, tzinfo=UTC)
    assert planned.removed == 6
    assert links(platform) == 4 + 5 + 1  # the kept events and the prune's own record
    with platform.engine.connect() as conn:
        subjects = conn.execute(select(func.count()).select_from(AuditSubject)).scalar_one()
    assert subjects == 4 + 5
    for args in ((), ("--full",)):
        code, report = verify_json(platform, *args)
        assert code == 0, report
        assert report["from"] == "floor"
    assert prune(platform.engine, key, 4, policy, NOW, platform.recorder).removed == 0


def test_when_a_longer_kept_class_shares_the_months_then_prune_waits_for_it(
    platform: Platform,
) -> None:
    backdated(platform, datetime(2023, 3, 10, tzinfo=UTC), AuditTag.PROFILE_READ, 3)
    backdated(platform, datetime(2023, 3, 11, tzinfo=UTC), AuditTag.KEY_ROTATE, 1)  # 60 months
    key = audit_key(platform.settings, create=False)
    planned = prune(platform.engine, key, 4, RetentionPolicy(), NOW, platform.recorder)
    assert planned.removed == 0
    assert planned.boundary == datetime(2021, 11, 1, tzinfo=UTC)


def test_when_the_log_was_tampered_with_then_prune_removes_nothing(platform: Platform) -> None:
    backdated(platform, datetime(2023, 3, 10, tzinfo=UTC), AuditTag.PROFILE_READ, 5)
    with platform.engine.begin() as conn:
        body = conn.execute(select(AuditLink.body).limit(1)).scalar_one()
        conn.execute(
            update(AuditLink)
            .where(AuditLink.body == body)
            .values(body=body.replace(b'"allow"', b'"deny"'))
        )
    key = audit_key(platform.settings, create=False)
    with pytest.raises(PruneRefused):
        prune(platform.engine, key, 4, RetentionPolicy(), NOW, platform.recorder)
    assert links(platform) == 5


def test_when_pruning_from_the_cli_then_dry_run_removes_nothing(platform: Platform) -> None:
    backdated(platform, datetime(2023, 3, 10, tzinfo=UTC), AuditTag.CONSENT_EVENT, 2)
    dry = cdp(platform, "audit", "prune", "--dry-run", "--json", "--now", NOW.isoformat())
    assert dry.exit_code == 0
    assert json.loads(dry.stdout)["removed"] == 2
    assert links(platform) == 2
    done = cdp(platform, "audit", "prune", "--json", "--now", NOW.isoformat())
    assert done.exit_code == 0
    assert json.loads(done.stdout)["removed"] == 2
    assert cdp(platform, "audit", "verify").exit_code == 0


def test_when_retention_is_below_six_months_then_settings_refuse_it(platform: Platform) -> None:
    with pytest.raises(ValueError, match="at least 6 months"):
        platform.settings.model_validate(
            platform.settings.model_dump() | {"audit_retention_months": {"read": 5}}
        )
