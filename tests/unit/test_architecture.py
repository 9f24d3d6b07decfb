"""Layout rules that import-linter cannot express, checked on the source tree (AST, no imports)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cdp", "governance", "consent", "masking", "audit")


def modules() -> Iterator[tuple[str, ast.Module]]:
    """Yields (relative path, parsed module) for every product module."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def names_used(tree: ast.Module) -> set[str]:
    """Collects imported names and attribute names a module uses."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return found


def imported_modules(tree: ast.Module) -> set[str]:
    """Collects the dotted names of every imported module."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


# (what is used, the only modules allowed to use it)
CHOKE_POINTS = [
    # opening a field ciphertext: the vault is the one decrypt choke point
    ("unseal", {"cdp/profiles/vault.py"}),
    # unwrapping a customer's data key
    ("aead_for", {"cdp/profiles/vault.py"}),
    # asking the vault to open fields: only the profile store (the repository read API)
    ("open_fields", {"cdp/profiles/store.py", "cdp/profiles/vault.py"}),
]


@pytest.mark.parametrize(("name", "allowed"), CHOKE_POINTS)
def test_when_scanning_the_tree_then_decryption_happens_only_at_the_choke_point(
    name: str, allowed: set[str]
) -> None:
    offenders = {
        path
        for path, tree in modules()
        if name in names_used(tree) and path not in allowed and not path.startswith("cdp/crypto/")
    }
    assert offenders == set()


def test_when_scanning_the_tree_then_only_cdp_telemetry_touches_the_otel_sdk() -> None:
    offenders = {
        path
        for path, tree in modules()
        if any(m.startswith("opentelemetry.sdk") for m in imported_modules(tree))
        and not path.startswith("cdp/telemetry")
    }
    assert offenders == set()


def test_when_scanning_the_tree_then_the_choke_point_rule_would_catch_an_offender() -> None:
    rogue = ast.parse("from cdp.crypto import unseal\nunseal(a, b, c)\n")
    assert "unseal" in names_used(rogue)
