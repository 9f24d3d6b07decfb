"""The masked view: pseudonymous, generalised profiles for segmentation and marketing (ADR 0008)."""
