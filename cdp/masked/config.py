"""Reads `policies/masking.yaml`: pseudonym domains, the view's domain, bands and AUM tiers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdp.resources import load_yaml, shipped_policy_dir
from masking.generalise import Generaliser

FILE_NAME = "masking.yaml"


class MaskingConfigInvalid(ValueError):
    """`masking.yaml` is malformed; the message names the key, never a customer value."""


@dataclass(frozen=True, slots=True)
class MaskingConfig:
    """The masked view's configuration, validated."""

    domains: tuple[str, ...]
    view_domain: str
    generaliser: Generaliser


def load_masking_config(policy_dir: Path) -> MaskingConfig:
    """Loads the policy directory's masking.yaml, or the shipped one when it has none."""
    path = policy_dir / FILE_NAME
    return parse_masking_config(
        load_yaml(path if path.exists() else shipped_policy_dir() / FILE_NAME)
    )


def parse_masking_config(doc: Any) -> MaskingConfig:
    """Validates the parsed YAML document."""
    if not isinstance(doc, dict):
        raise MaskingConfigInvalid("masking.yaml must be a mapping")
    try:
        domains = tuple(str(name) for name in doc["pseudonym_domains"])
        view = str(doc["view_domain"])
        tiers = tuple((str(t["name"]), int(t["from"])) for t in doc["aum_tiers"])
        generaliser = Generaliser(
            age_edges=tuple(int(edge) for edge in doc["age_bands"]),
            aum_tiers=tiers,
            amount_edges=tuple(int(edge) for edge in doc["amount_bands"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise MaskingConfigInvalid(f"masking.yaml: {type(exc).__name__}: {exc}") from None
    if view not in domains or len(set(domains)) != len(domains):
        raise MaskingConfigInvalid("masking.yaml: view_domain must be one of distinct domains")
    return MaskingConfig(domains, view, generaliser)
