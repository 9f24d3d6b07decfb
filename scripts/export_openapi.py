"""Writes the API's OpenAPI document to docs/openapi.json (`make openapi`).

The document is built from the app factory alone: no database, keys or lifespan, and no CDP_*
setting, so the same code always gives the same bytes. tests/api/test_openapi_doc.py fails when
the committed copy is stale.

    python scripts/export_openapi.py            # (re)write docs/openapi.json
    python scripts/export_openapi.py --check    # exit 1 if docs/openapi.json is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cdp.api import create_app
from cdp.settings import Settings
from cdp.telemetry import NOOP

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "openapi.json"


def document() -> dict[str, Any]:
    """The document the app serves at /openapi.json (defaults only: the environment is not read)."""
    app = create_app(Settings.model_construct(), telemetry=NOOP)
    return app.openapi()


def render(doc: dict[str, Any] | None = None) -> str:
    """Stable text: two-space indent, the app's key order, UTF-8 as is, a final newline."""
    return json.dumps(document() if doc is None else doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Writes the document, or with --check reports whether the written one is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)
    text = render()
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != text:
            print(f"{output} is stale: run `make openapi`", file=sys.stderr)
            return 1
        print(f"{output} is current")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
