"""`cdp tags`: the tag catalogue, and a customer's tags to list and delete (Algorithm Art 17)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cdp.bootstrap import policy_dir
from cdp.cli.common import EXIT_USAGE, err, out, platform
from cdp.tags.config import load_tag_config
from cdp.tags.service import TagRequestInvalid, delete_tag, list_tags

app = typer.Typer(
    help="Tags: the definitions, and the tags used to target a customer (list, delete).",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("catalogue")
def catalogue_cmd(as_json: JsonOpt = False) -> None:
    """Print every tag definition (policies/tags.yaml)."""
    with platform() as built:
        config = load_tag_config(policy_dir(built.settings))
    if as_json:
        out.print_json(json.dumps([t.as_json() for t in config.tags], ensure_ascii=False))
        return
    for tag in config.tags:
        flags = f"{tag.tag_class}{' sensitive' if tag.sensitive else ''}"
        purposes = ",".join(tag.purposes)
        out.print(f"{tag.id}  {tag.family}  {flags}  [{purposes}]  {tag.description}", markup=False)


@app.command("list")
def list_cmd(
    customer_id: Annotated[str, typer.Argument(help="The customer id.")],
    as_json: JsonOpt = False,
) -> None:
    """List the tags currently used to target a customer."""
    with platform() as built, built.engine.connect() as conn:
        config = load_tag_config(policy_dir(built.settings))
        try:
            shown = list_tags(conn, config, customer_id)
        except TagRequestInvalid as exc:
            err.print(f"[red]error:[/] {exc}", markup=True)
            raise typer.Exit(EXIT_USAGE) from None
    if as_json:
        out.print_json(json.dumps([t.as_json() for t in shown], ensure_ascii=False))
        return
    for tag in shown:
        out.print(f"{tag.id}  {tag.family}  {tag.description}", markup=False)


@app.command("delete")
def delete_cmd(
    customer_id: Annotated[str, typer.Argument(help="The customer id.")],
    tag_id: Annotated[str, typer.Argument(help="The tag to delete for good.")],
    channel: Annotated[str, typer.Option("--channel", help="Where the customer asked.")] = "app",
) -> None:
    """Delete a tag for a customer: it is never computed onto their profile again."""
    failure: TagRequestInvalid | None = None
    with platform() as built, built.engine.begin() as conn:
        config = load_tag_config(policy_dir(built.settings))
        try:
            new = delete_tag(conn, config, built.recorder, customer_id, tag_id, channel)
        except TagRequestInvalid as exc:
            failure = exc
    if failure is not None:
        err.print(f"[red]error:[/] {failure}", markup=True)
        raise typer.Exit(EXIT_USAGE)
    out.print(f"tag {tag_id} {'deleted' if new else 'was already deleted'}", markup=False)
