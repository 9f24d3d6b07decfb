"""One policy version with its decision caches; replaced whole on reload, never edited."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from governance.casbin_policy import Verdict
from governance.compiler import across_roles, decide_field, role_verdicts
from governance.decision import (
    Access,
    Action,
    Decision,
    FieldDecision,
    Principal,
    Reason,
)
from governance.loading import LoadedPolicy
from governance.objects import OPERATIONAL_PURPOSE

_NEEDS = {Action.READ: (Action.READ, Action.READ_MASKED)}


@dataclass(frozen=True, slots=True)
class FieldMask:
    """Decisions for every object under one role set, purpose and action."""

    fields: Mapping[str, FieldDecision]
    purpose_open: bool


class CompiledPolicy:
    """A loaded policy plus lazily compiled field masks keyed by (roles, purpose, action)."""

    def __init__(self, loaded: LoadedPolicy) -> None:
        self.loaded = loaded
        self.version = loaded.version
        self.role_names = frozenset(r.name for r in loaded.roles)
        self.purposes = frozenset(p.code for p in loaded.purposes) | {OPERATIONAL_PURPOSE}
        self.object_names = tuple(obj.name for obj in loaded.objects)
        self.field_names = tuple(o.name for o in loaded.objects if o.field_class is not None)
        self._masks: dict[tuple[frozenset[str], str, Action], FieldMask] = {}
        self._verdicts: dict[tuple[str, str, Action], dict[str, Verdict]] = {}
        self._lock = threading.Lock()

    def decide(
        self, principal: Principal, purpose: str, fields: Iterable[str] | None, action: str
    ) -> Decision:
        """Decides every requested field (all catalogue fields when None), one lookup each."""
        names = self.field_names if fields is None else tuple(fields)
        if action not in _ACTIONS:
            return self.refuse(principal.id, purpose, action, names, Reason.UNKNOWN_ACTION)
        if purpose not in self.purposes:
            return self.refuse(principal.id, purpose, action, names, Reason.UNKNOWN_PURPOSE)
        roles = self.effective_roles(principal)
        if not roles:
            return self.refuse(principal.id, purpose, action, names, Reason.UNKNOWN_ROLE)
        act = Action(action)
        mask = self.mask(roles, purpose, act)
        if not mask.purpose_open:
            reason = Reason.PURPOSE_NOT_PERMITTED
            return self.refuse(principal.id, purpose, act, names, reason)
        get = mask.fields.get
        decided = {name: get(name) or _unknown(name) for name in names}
        return Decision(principal.id, purpose, act, decided, self.version)

    def effective_roles(self, principal: Principal) -> frozenset[str]:
        """Returns the principal's known roles, plus any assigned to its id by `g, user:<id>`."""
        roles = frozenset(principal.roles)
        assigned = self.loaded.user_roles.get(principal.id)
        return (roles | assigned if assigned else roles) & self.role_names

    def mask(self, roles: frozenset[str], purpose: str, action: Action) -> FieldMask:
        """Returns the compiled mask, compiling it once under the lock on a miss."""
        key = (roles, purpose, action)
        found = self._masks.get(key)
        if found is None:
            with self._lock:
                found = self._masks.get(key) or self._compile(roles, purpose, action)
                self._masks[key] = found
        return found

    def refuse(
        self, principal_id: str, purpose: str, action: str, names: Iterable[str], reason: Reason
    ) -> Decision:
        """Denies every field for a reason that concerns the whole request."""
        denied = {name: FieldDecision(name, Access.DENIED, reason=reason) for name in names}
        return Decision(principal_id, str(purpose), str(action), denied, self.version, True, reason)

    def _compile(self, roles: frozenset[str], purpose: str, action: Action) -> FieldMask:
        needed = _NEEDS.get(action, (action,))
        per_action = {
            act: {
                obj.name: across_roles(self._role(role, purpose, act)[obj.name] for role in roles)
                for obj in self.loaded.objects
            }
            for act in needed
        }
        fields = {
            obj.name: decide_field(obj, action, {act: per_action[act][obj.name] for act in needed})
            for obj in self.loaded.objects
        }
        open_purposes = self.loaded.open_purposes
        purpose_open = any(purpose in open_purposes.get(role, frozenset()) for role in roles)
        return FieldMask(MappingProxyType(fields), purpose_open)

    def _role(self, role: str, purpose: str, action: Action) -> dict[str, Verdict]:
        key = (role, purpose, action)
        if key not in self._verdicts:
            scoped = self.loaded.scoped(role, purpose, action)
            objects = self.loaded.objects
            self._verdicts[key] = role_verdicts(scoped, objects, role, purpose, action)
        return self._verdicts[key]


_ACTIONS = frozenset(Action)


def _unknown(name: str) -> FieldDecision:
    return FieldDecision(name, Access.DENIED, reason=Reason.UNKNOWN_FIELD)
