"""Locates shipped data (policies, migrations) for editable and plain installs alike."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from governance.catalogue import FieldCatalogue, parse_catalogue


def shipped_policy_dir() -> Path:
    """Returns the directory of the `policies` package that ships with the install."""
    return Path(str(resources.files("policies")))


def migrations_dir() -> Path:
    """Returns the directory of the Alembic environment that ships with the install."""
    return Path(str(resources.files("migrations")))


def load_yaml(path: Path) -> Any:
    """Parses one YAML policy file."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def load_catalogue(policy_dir: Path) -> FieldCatalogue:
    """Loads and validates `fields.yaml` from a policy directory (cached per directory)."""
    return parse_catalogue(load_yaml(policy_dir / "fields.yaml"))
