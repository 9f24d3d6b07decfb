"""The field catalogue: which profile fields exist, their class, how each is stored and shown."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any


class FieldClass(StrEnum):
    """JR/T 0171 classes; C3 exists only so that it can be refused."""

    C1 = "C1"
    C2 = "C2"
    C3 = "C3"


class FieldType(StrEnum):
    """Value types a catalogue field may hold."""

    STRING = "string"
    DATE = "date"
    DECIMAL = "decimal"
    ENUM = "enum"
    TEXT = "text"
    COUNT = "count"  # a non-negative whole number (activity counts), stored as an integer


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the field, never a value."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One profile field as the catalogue defines it."""

    name: str
    label_zh: str
    field_class: FieldClass
    encrypted: bool
    blind_index: bool
    mask: str
    type: FieldType
    validator: str
    max_length: int
    values: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """The policy object path of this field (`profile.mobile`)."""
        return f"profile.{self.name}"


@dataclass(frozen=True)
class FieldCatalogue:
    """All fields, in catalogue order, looked up by name."""

    version: int
    fields: tuple[FieldSpec, ...]

    def __iter__(self) -> Iterator[FieldSpec]:
        return iter(self.fields)

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    @cached_property
    def by_name(self) -> Mapping[str, FieldSpec]:
        """Fields keyed by name (lookups sit on the ingest hot path)."""
        return {spec.name: spec for spec in self.fields}

    def get(self, name: str) -> FieldSpec:
        """Returns the field named `name` or raises KeyError."""
        return self.by_name[name]

    @property
    def names(self) -> tuple[str, ...]:
        """Field names in catalogue order."""
        return tuple(f.name for f in self.fields)

    @property
    def encrypted(self) -> tuple[FieldSpec, ...]:
        """Fields stored only as ciphertext."""
        return tuple(f for f in self.fields if f.encrypted)

    @property
    def blind_indexed(self) -> tuple[FieldSpec, ...]:
        """Fields that carry a blind index for exact-match search."""
        return tuple(f for f in self.fields if f.blind_index)


_REQUIRED = ("name", "label_zh", "class", "encrypted", "blind_index", "mask", "type", "validator")


def parse_catalogue(data: Mapping[str, Any]) -> FieldCatalogue:
    """Builds a catalogue from the parsed YAML mapping, refusing anything ambiguous."""
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise CatalogueError("catalogue has no 'fields' list")
    specs = tuple(_parse_field(i, raw) for i, raw in enumerate(raw_fields, start=1))
    _check_unique(specs)
    return FieldCatalogue(version=int(data.get("version", 1)), fields=specs)


def _parse_field(position: int, raw: Any) -> FieldSpec:
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"field #{position} is not a mapping")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise CatalogueError(f"field #{position} lacks {', '.join(missing)}")
    name = str(raw["name"])
    if not name.isidentifier() or name != name.lower():
        raise CatalogueError(f"field #{position}: name {name!r} is not a snake_case identifier")
    try:
        field_class = FieldClass(raw["class"])
        field_type = FieldType(raw["type"])
    except ValueError as exc:
        raise CatalogueError(f"field {name}: {exc}") from None
    if field_class is FieldClass.C3:
        raise CatalogueError(
            f"field {name}: C3 data may not be catalogued; it is refused at the door"
        )
    if raw["blind_index"] and not raw["encrypted"]:
        raise CatalogueError(f"field {name}: a blind index only makes sense on an encrypted field")
    return FieldSpec(
        name=name,
        label_zh=str(raw["label_zh"]),
        field_class=field_class,
        encrypted=bool(raw["encrypted"]),
        blind_index=bool(raw["blind_index"]),
        mask=str(raw["mask"]),
        type=field_type,
        validator=str(raw["validator"]),
        max_length=int(raw.get("max_length", 256)),
        values=tuple(str(v) for v in raw.get("values", ())),
    )


def _check_unique(specs: tuple[FieldSpec, ...]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise CatalogueError(f"field {spec.name} is defined twice")
        seen.add(spec.name)
