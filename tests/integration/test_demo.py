"""`cdp demo` end to end on a small synthetic bank: every step runs, the marketing step too."""

from __future__ import annotations

import re
from pathlib import Path

from cdp.settings import Settings
from tests.conftest import cli_env, make_settings
from tests.integration.helpers import run_cdp


def test_when_the_demo_runs_then_every_step_completes_and_no_mobile_is_printed(
    tmp_path: Path,
) -> None:
    settings: Settings = make_settings(f"sqlite:///{tmp_path / 'var' / 'cdp.db'}", tmp_path)
    done = run_cdp(cli_env(settings), "demo", "--reset", "--customers", "3000")
    assert done.returncode == 0, done.stderr[-2000:]
    out = " ".join(done.stdout.split())  # the console wraps at 110 columns
    assert "10. segments and a campaign" in out, out[-3000:]
    assert "wealth_in_decline" in out
    assert "send resolved" in out or "under k in this data set" in out
    assert "mobile numbers in one audited governed batch" in out or "no campaign" in out
    assert "responses fed the 营销信息 tags at once" in out or "no campaign" in out
    # masks like 138****5678 may appear; a full 11-digit mobile never does
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", done.stdout)
