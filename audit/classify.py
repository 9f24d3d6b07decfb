"""Naming a break: what happened at the first position after a verified head that fails.

`verify_chain` walks links in seq order while each one has the next seq, points at the hash of
the link before and carries a valid MAC. At the first link that does not, it reads a window of
the following links (`lookahead`, 4096 by default) and names the break with the first rule that
applies; `e` is the seq expected next, "authentic at s" means the link's MAC verifies with seq s.

1. Nothing left to read (only asked when a head is expected further on): `truncated`.
2. The store returned a seq below `e`: `reordered`.
3. The authentic link for `e` (it points at the head and is authentic at `e`) is in the window
   but not in its place: `reordered` when it was only renumbered, or when the link in its place
   is itself authentic at another seq or carries another slot's body; `inserted` otherwise
   (a link that verifies nowhere was put in front of it).
4. The next stored seq is above `e`: `deleted` (the gap is how many).
5. Several links share seq `e`: `reordered` if one of the extras is authentic at a later seq,
   else `inserted` (a forgery or a replayed copy).
6. One link at `e` that fails:
   a. it is authentic at a later seq: `deleted` (links were removed and the rest renumbered);
   b. its body is the authentic body of another slot: `reordered` (bodies swapped);
   c. it is the last link: `inserted` if it lies past the expected head, else `modified`;
   d. its successor points at it and verifies: `modified` (changed in place, hash kept);
   e. its successor points at it and fails, and so on to the end of the window: `rehashed`
      (hashes recomputed without the key; a lone recomputed last link reads as `modified`);
   f. anything else (the successor does not point at it, the run stops): `modified`.

Each tamper case of the test suite maps to one outcome. Links moved or swapped further apart than
the window read as `modified`; a truncated tail shows only against an expected head.
"""

from __future__ import annotations

import hmac
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise, takewhile

from audit.chain import ChainHead, link_mac
from audit.findings import Break, Tamper
from audit.keys import AuditKey
from audit.ports import StoredLink


@dataclass(frozen=True, slots=True)
class Scene:
    """What the classifier sees: the verified head and the window of links from the break on."""

    key: AuditKey
    head: ChainHead
    window: Sequence[StoredLink]
    expect: ChainHead | None = None

    @property
    def due(self) -> int:
        """Returns the seq expected next."""
        return self.head.seq + 1

    def authentic(self, link: StoredLink, seq: int) -> bool:
        """Tells whether a link's MAC verifies as if it stood at seq."""
        return self._sealed(seq, link.prev_hash, link.body, link.hash)

    def belongs(self, body: bytes, slot: StoredLink) -> bool:
        """Tells whether a body is the one a slot's seq, prev_hash and hash were sealed over."""
        return self._sealed(slot.seq, slot.prev_hash, body, slot.hash)

    def _sealed(self, seq: int, prev_hash: bytes, body: bytes, mac: bytes) -> bool:
        """Tells whether a MAC verifies; a NULL or out-of-range column never does."""
        try:
            expected = link_mac(self.key, self.head.chain, seq, prev_hash, body)
            return hmac.compare_digest(expected, mac)
        except (TypeError, struct.error):
            return False


def _genuine_next(scene: Scene) -> StoredLink | None:
    """Finds the authentic successor of the head anywhere in the window."""
    for candidate in scene.window:
        if candidate.prev_hash == scene.head.hash and scene.authentic(candidate, scene.due):
            return candidate
    return None


def _true_seq(scene: Scene, link: StoredLink) -> int | None:
    """Finds a later seq at which a link is authentic (it was renumbered or moved)."""
    later = range(scene.due + 1, scene.due + len(scene.window) + 1)
    stored = (other.seq for other in scene.window if other.seq > scene.due)
    return next((s for s in sorted({*later, *stored}) if scene.authentic(link, s)), None)


def _body_home(scene: Scene, link: StoredLink) -> StoredLink | None:
    """Finds the slot whose seal a link's body matches (the bodies were swapped)."""
    others = (slot for slot in scene.window if slot is not link)
    return next((slot for slot in others if scene.belongs(link.body, slot)), None)


def _displaced(scene: Scene, genuine: StoredLink) -> Break:
    """Names a break where the authentic successor is present but elsewhere (rule 3)."""
    first, due = scene.window[0], scene.due
    moved = _true_seq(scene, first) is not None or _body_home(scene, first) is not None
    if genuine is first or moved:
        return Break(Tamper.REORDERED, due, f"seq {due}'s link is stored as seq {genuine.seq}")
    return Break(Tamper.INSERTED, due, f"a link that verifies nowhere stands before seq {due}")


def _twins(scene: Scene, genuine: StoredLink | None) -> Break:
    """Names a break where several links share the expected seq (rule 5)."""
    due = scene.due
    twins = list(takewhile(lambda link: link.seq == due, scene.window))
    if any(_true_seq(scene, twin) is not None for twin in twins if twin is not genuine):
        return Break(Tamper.REORDERED, due, f"a later link was renumbered to seq {due}")
    return Break(Tamper.INSERTED, due, f"{len(twins)} links claim seq {due}")


def _rehashed(scene: Scene) -> bool:
    """Tells whether every link from the break on points at the one before yet fails its MAC."""
    return all(
        later.prev_hash == earlier.hash and not scene.authentic(later, later.seq)
        for earlier, later in pairwise(scene.window)
    )


def _in_place(scene: Scene) -> Break:
    """Names a break at a single link standing at the expected seq (rule 6)."""
    first, due = scene.window[0], scene.due
    true_seq = _true_seq(scene, first)
    if true_seq is not None:
        gap = true_seq - due
        return Break(Tamper.DELETED, due, f"{gap} link(s) missing; later links renumbered")
    home = _body_home(scene, first)
    if home is not None:
        return Break(Tamper.REORDERED, due, f"the body stored at seq {due} is seq {home.seq}'s")
    if len(scene.window) == 1:
        if scene.expect is not None and due > scene.expect.seq:
            return Break(Tamper.INSERTED, due, "a link past the expected head does not verify")
        return Break(Tamper.MODIFIED, due, "the last link does not verify")
    successor = scene.window[1]
    if successor.prev_hash != first.hash:
        return Break(
            Tamper.MODIFIED, due, "its successor points at another hash (hash or link replaced)"
        )
    if scene.authentic(successor, successor.seq):
        return Break(Tamper.MODIFIED, due, "the link was changed in place")
    if _rehashed(scene):
        return Break(Tamper.REHASHED, due, "hashes were recomputed without the key from here on")
    return Break(Tamper.MODIFIED, due, "consecutive links were changed in place")


def classify(scene: Scene) -> Break:
    """Names the first break after the scene's head by the rules above."""
    try:
        return _classify(scene)
    except TypeError:  # a NULL or mistyped column (seq, hash) where the rules compare
        return Break(Tamper.MODIFIED, scene.due, "a stored column is missing or of the wrong type")


def _classify(scene: Scene) -> Break:
    """Applies the rules in order; the first that matches names the break."""
    due, window = scene.due, scene.window
    if not window:
        end = scene.expect.seq if scene.expect else due
        return Break(Tamper.TRUNCATED, due, f"chain ends at seq {due - 1}, expected {end}")
    first = window[0]
    if first.seq < due:
        return Break(Tamper.REORDERED, due, f"seq {first.seq} comes back after seq {due - 1}")
    genuine = _genuine_next(scene)
    if genuine is not None and (genuine is not first or first.seq != due):
        return _displaced(scene, genuine)
    if first.seq > due:
        return Break(Tamper.DELETED, due, f"{first.seq - due} link(s) missing before {first.seq}")
    if len(window) > 1 and window[1].seq == due:
        return _twins(scene, genuine)
    return _in_place(scene)
