"""Read-side benchmarks in a fresh process against a store the ingest benchmark filled.

A governed read is served by a long-running process, not by the process that just bulk-loaded
42,000 rows, so lookups, decryption, policy decisions, governed reads and consent checks are
measured here, all in the same fresh process. Prints the figures as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import audit_bench, consent_bench, ingest_bench, policy_bench  # noqa: E402
from cdp.bootstrap import build_platform  # noqa: E402
from cdp.settings import Settings  # noqa: E402


def main(settings_json: str, core_file: str, quick: bool) -> dict[str, dict[str, Any]]:
    """Runs every read-side group and returns the figures."""
    platform = build_platform(Settings.model_validate_json(settings_json))
    try:
        figures = ingest_bench.read_figures(platform, Path(core_file), quick)
        decrypt = float(figures["profile_decrypt_us"]["value"])
        figures.update(policy_bench.run(platform, decrypt, quick=quick))
        customers = 2_500 if quick else 20_000  # consent events for the first N customers
        figures.update(consent_bench.run(platform, customers, 20261123, quick))
        figures.update(audit_bench.run(platform, quick=quick))
        return figures
    finally:
        platform.close()


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3] == "1")))
