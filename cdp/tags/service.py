"""What customers see and delete of the tags used to target them (Algorithm Provisions Art 17).

`list_tags` shows the tags on the customer's masked row (what segments and campaigns target);
`delete_tag` records the deletion, takes the tag off the row in the same transaction and audits
it. Refresh and rebuild read the deletions per batch, so a deleted tag never comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from audit.tags import AuditTag, Decision
from cdp.auditing.recorder import AuditRecorder
from cdp.masked.repository import masked_t
from cdp.profiles.repository import as_json
from cdp.profiles.resolution import utcnow
from cdp.tags.config import TagConfig
from cdp.tags.repository import deleted_tags, record_deletion

CHANNELS = frozenset({"app", "web", "branch", "phone", "wechat", "sms", "email", "api", "cli"})


class TagRequestInvalid(ValueError):
    """An unknown tag, channel or customer; the message is safe to show."""


@dataclass(frozen=True, slots=True)
class ShownTag:
    """One tag on the customer's row, as shown to them."""

    id: str
    family: str
    description: str

    def as_json(self) -> dict[str, str]:
        """The tag as `cdp tags list` prints it."""
        return {"id": self.id, "family": self.family, "description": self.description}


def row_tags(conn: Connection, customer_id: str) -> list[str] | None:
    """The tag ids on the customer's masked row; None when the customer has no row."""
    found = conn.execute(
        select(masked_t.c.tags).where(masked_t.c.customer_id == customer_id)
    ).first()
    if found is None:
        return None
    value = as_json(found[0])
    return [str(tag) for tag in value] if isinstance(value, list) else []


def list_tags(conn: Connection, config: TagConfig, customer_id: str) -> list[ShownTag]:
    """The tags currently used to target the customer, with family and description."""
    tags = row_tags(conn, customer_id)
    if tags is None:
        raise TagRequestInvalid("no masked profile for this customer")
    shown = []
    for tag_id in tags:
        tag = config.get(tag_id)
        family, description = (tag.family, tag.description) if tag else ("", "")
        shown.append(ShownTag(tag_id, family, description))
    return shown


def delete_tag(
    conn: Connection,
    config: TagConfig,
    audit: AuditRecorder,
    customer_id: str,
    tag_id: str,
    channel: str,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> bool:
    """Deletes a tag for the customer for good (idempotent: False when already deleted)."""
    if config.get(tag_id) is None:
        raise TagRequestInvalid("unknown tag")
    if channel not in CHANNELS:
        raise TagRequestInvalid(f"channel must be one of {', '.join(sorted(CHANNELS))}")
    tags = row_tags(conn, customer_id)
    if tags is None:
        raise TagRequestInvalid("no masked profile for this customer")
    new = record_deletion(conn, customer_id, tag_id, channel, clock())
    if tag_id in tags:
        kept = [tag for tag in tags if tag != tag_id]
        conn.execute(
            update(masked_t).where(masked_t.c.customer_id == customer_id).values(tags=kept)
        )
    audit.record(
        conn,
        AuditTag.TAG_DELETE,
        Decision.ALLOW,
        customer_ids=(customer_id,),
        reason=f"{tag_id} deleted" if new else f"{tag_id} already deleted",
        channel=channel,
    )
    return new


def customer_deletions(conn: Connection, customer_id: str) -> list[str]:
    """The tags the customer deleted, sorted."""
    return sorted(deleted_tags(conn, [customer_id]).get(customer_id, frozenset()))
