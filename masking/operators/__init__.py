"""Display masking operators of DOMAIN.md §4: one small class per rule, registered explicitly."""

from masking.operators.base import MaskOperator, Operator
from masking.operators.defaults import default_registry
from masking.operators.registry import MaskRegistry, mask_field
from masking.operators.rules import MaskRule

__all__ = [
    "MaskOperator",
    "MaskRegistry",
    "MaskRule",
    "Operator",
    "default_registry",
    "mask_field",
]
