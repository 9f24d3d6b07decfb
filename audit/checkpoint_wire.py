"""The checkpoint's export format: one canonical JSON line an outside system can keep and return."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from audit.chain import ChainHead
from audit.checkpoint import CHECKPOINT_VERSION, Checkpoint, SignedCheckpoint, document
from audit.errors import CheckpointInvalid

_KEYS = frozenset(("chains", "count", "created_at", "key_id", "kind", "signature", "v"))
_HEAD_KEYS = frozenset(("chain", "seq", "hash"))


def export(signed: SignedCheckpoint) -> str:
    """Writes a signed checkpoint as canonical JSON (sorted keys, hex hashes, UTC `Z` time)."""
    doc = document(signed.checkpoint, signed.key_id) | {"signature": signed.signature.hex()}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def _head(item: Any) -> ChainHead:
    """Parses one chain head."""
    if not isinstance(item, dict) or item.keys() != _HEAD_KEYS:
        raise CheckpointInvalid("a chain head needs exactly chain, seq and hash")
    chain, seq, digest = item["chain"], item["seq"], item["hash"]
    if type(chain) is not int or type(seq) is not int or not isinstance(digest, str):
        raise CheckpointInvalid("a chain head has a member of the wrong type")
    return ChainHead(chain, seq, bytes.fromhex(digest))


def parse(text: str) -> SignedCheckpoint:
    """Reads an exported checkpoint; the signature still has to be verified."""
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.keys() != _KEYS:
            raise CheckpointInvalid(f"a checkpoint has exactly the keys {sorted(_KEYS)}")
        if doc["v"] != CHECKPOINT_VERSION:
            raise CheckpointInvalid(f"unsupported checkpoint version {doc['v']!r}")
        checkpoint = Checkpoint(
            tuple(_head(item) for item in doc["chains"]),
            datetime.fromisoformat(doc["created_at"]),
            str(doc["kind"]),
        )
        if doc["count"] != checkpoint.count:
            raise CheckpointInvalid("count disagrees with the heads")
        return SignedCheckpoint(checkpoint, str(doc["key_id"]), bytes.fromhex(doc["signature"]))
    except CheckpointInvalid:
        raise
    except (ValueError, TypeError, AttributeError) as error:
        raise CheckpointInvalid(f"malformed checkpoint: {type(error).__name__}") from error
