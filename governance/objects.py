"""Policy objects: catalogue field paths, field classes and the few non-customer resources."""

from __future__ import annotations

from dataclasses import dataclass

from casbin.util import key_match  # type: ignore[import-untyped]

from governance.catalogue import FieldCatalogue, FieldClass, FieldSpec

FIELD_PREFIX = "profile."
CLASS_PREFIX = "class:"
OPERATIONAL_PURPOSE = "*"
"""The purpose a request names for operations on resources, which are not customer data."""

RESOURCES: tuple[str, ...] = (
    "audit.events",  # the audit trail of reads and writes (compliance, DPO)
    "policy.rules",  # these policy files (admin changes, compliance reviews)
    "keys.kek",  # key-encryption keys: rotation and re-wrapping
    "keys.data_keys",  # per-customer data keys: crypto-shredding on erasure
    "dsr.requests",  # data-subject requests (access, rectification, erasure) and deadlines
    "consent.records",  # customers' consent states, histories and proofs (not profile values)
    "api.clients",  # registered API clients and their roles
)


@dataclass(frozen=True, slots=True)
class PolicyObject:
    """Something a rule can name: a catalogue field (with its class) or a resource."""

    name: str  # what callers ask for: `mobile` or `audit.events`
    path: str  # what Casbin matches: `profile.mobile` or `audit.events`
    field_class: FieldClass | None  # None for resources

    @property
    def class_object(self) -> str | None:
        """The `class:C2` object that class rules name, or None for resources."""
        return f"{CLASS_PREFIX}{self.field_class}" if self.field_class else None


def policy_objects(catalogue: FieldCatalogue) -> tuple[PolicyObject, ...]:
    """Lists every object a decision can be asked about: the catalogue, then the resources."""
    fields = tuple(_field_object(spec) for spec in catalogue)
    return fields + tuple(PolicyObject(name, name, None) for name in RESOURCES)


def _field_object(spec: FieldSpec) -> PolicyObject:
    return PolicyObject(spec.name, spec.path, spec.field_class)


def matches(pattern: str, obj: PolicyObject) -> bool:
    """Tells whether a rule's object covers `obj`, exactly as the Casbin matcher would."""
    if bool(key_match(obj.path, pattern)):
        return True
    return obj.class_object is not None and bool(key_match(obj.class_object, pattern))


def is_customer_data(pattern: str) -> bool:
    """Tells whether a rule's object names customer data (a field path, wildcard or class)."""
    return pattern == "*" or pattern.startswith((FIELD_PREFIX, CLASS_PREFIX))


def specificity(pattern: str) -> tuple[int, int]:
    """Ranks objects from general to specific: `*` < `class:C2` < `profile.*` < `profile.mobile`."""
    if pattern == "*":
        return (0, 0)
    if pattern.startswith(CLASS_PREFIX):
        return (1, 0)
    star = pattern.find("*")
    return (2, star) if star >= 0 else (3, len(pattern))
