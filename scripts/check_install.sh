#!/usr/bin/env bash
# A plain (non-editable) `pip install .` into a fresh virtualenv must give a working `cdp`:
# migrations and policies are found inside the installed packages, not the source tree.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$repo"
cd "$work"
export CDP_VAR_DIR="$work/var" CDP_KEY_DIR="$work/var/keys" CDP_DATABASE_URL="sqlite:///$work/var/cdp.db"
"$work/venv/bin/cdp" init
printf 'source_key,observed_at,full_name,id_number,mobile\nK1,2025-01-01T00:00:00+08:00,张伟,11010519491231002X,13812345678\n' > in.csv
"$work/venv/bin/cdp" ingest in.csv --source core_banking --json
test "$("$work/venv/bin/cdp" search --mobile 13812345678 --role customer_service --purpose P01 --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1
"$work/venv/bin/cdp" audit verify --json >/dev/null
echo "plain install: cdp init, ingest, search and audit verify work"
