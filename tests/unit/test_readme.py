"""The README documents what the product ships: every role and every CLI command."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_when_the_readme_is_read_then_it_starts_with_the_two_commands() -> None:
    head = README[:800]
    assert "make demo" in head
    assert "make test" in head


def test_when_roles_yaml_lists_a_role_then_the_readme_table_describes_it() -> None:
    roles = yaml.safe_load((ROOT / "policies" / "roles.yaml").read_text(encoding="utf-8"))
    for role in roles["roles"]:
        assert f"| `{role['name']}` | {role['name_zh']} |" in README, role["name"]


def test_when_the_cli_has_a_command_then_the_readme_mentions_it() -> None:
    from cdp.cli.main import app

    commands = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
    groups = [g.name for g in app.registered_groups]
    for name in [*commands, *groups]:
        assert f"cdp {name}" in README, name
