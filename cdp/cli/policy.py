"""`cdp policy`: check the policy files, explain one decision, print the role x field matrix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cdp.bootstrap import policy_dir
from cdp.cli.common import EXIT_FAILED_ROWS, EXIT_OK, EXIT_USAGE, err, out, settings
from cdp.governed.policy import build_policy_engine, check_policy_dir
from cdp.resources import load_catalogue
from governance.decision import Action
from governance.engine import PolicyEngine
from governance.sources import PolicyInvalid

app = typer.Typer(
    help="Attribute-level access policy (Casbin files in policies/).", no_args_is_help=True
)
DirOption = Annotated[
    Path | None, typer.Option("--dir", help="Policy directory (default: configured one).")
]


def _directory(given: Path | None) -> Path:
    return given or policy_dir(settings())


def _engine(given: Path | None) -> PolicyEngine:
    directory = _directory(given)
    try:
        return build_policy_engine(load_catalogue(directory), directory)
    except PolicyInvalid as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        raise typer.Exit(EXIT_USAGE) from None


@app.command("check")
def check_cmd(directory: DirOption = None) -> None:
    """Report every problem in the policy files with file and line (exit 1 when any)."""
    where = _directory(directory)
    problems = check_policy_dir(load_catalogue(where), where)
    for problem in problems:
        out.print(str(problem), markup=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {where}")
        raise typer.Exit(EXIT_FAILED_ROWS)
    out.print(f"policy OK: {where}")
    raise typer.Exit(EXIT_OK)


@app.command("explain")
def explain_cmd(
    role: Annotated[str, typer.Option("--role")],
    purpose: Annotated[str, typer.Option("--purpose")],
    field: Annotated[str, typer.Option("--field")],
    action: Annotated[str, typer.Option("--action")] = Action.READ.value,
    directory: DirOption = None,
) -> None:
    """Show the decision for one role, purpose, field and action, and the rules that made it."""
    engine = _engine(directory)
    found = engine.explain(role, purpose, field, action)
    decision = found.decision
    out.print(f"{role} / {purpose} / {field} / {action}: [bold]{decision.access.value}[/]")
    if decision.variant:
        out.print(f"  mask variant: {decision.variant.value}")
    if decision.condition:
        out.print(f"  only when: {decision.condition.value} (customer in the principal's book)")
    if decision.reason or found.reason:
        out.print(f"  reason: {(decision.reason or found.reason)}")
    for rule in found.rules:
        out.print(f"  rule {rule.rule_id}: {rule}", markup=False)
    out.print(f"  policy version {found.policy_version[:16]}")


@app.command("matrix")
def matrix_cmd(
    purpose: Annotated[str, typer.Option("--purpose")],
    action: Annotated[str, typer.Option("--action")] = Action.READ.value,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    directory: DirOption = None,
) -> None:
    """Print the role x field grid of clear / masked / denied for one purpose."""
    engine = _engine(directory)
    grid = engine.matrix(purpose, action)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    role: {f: d.access.value for f, d in fields.items()}
                    for role, fields in grid.items()
                }
            )
        )
        return
    roles = list(grid)
    names = list(next(iter(grid.values()), {}))
    table = Table(title=f"{action} for {purpose}")
    table.add_column("object")
    for number in range(1, len(roles) + 1):
        table.add_column(str(number), justify="center")
    symbol = {"clear": "[green]C[/]", "masked": "[yellow]M[/]", "denied": "[dim]-[/]"}
    for name in names:
        table.add_row(name, *(symbol[grid[role][name].access.value] for role in roles))
    out.print(table)
    out.print(
        "C clear, M masked, - denied; roles: "
        + ", ".join(f"{i} {role}" for i, role in enumerate(roles, start=1))
    )
