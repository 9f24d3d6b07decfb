"""Pure policy decision point: field catalogue, Casbin policy, per-field decisions and explain.

Import from the modules (`governance.engine`, `governance.decision`, ...): this package file stays
empty so that importing the catalogue does not load Casbin.
"""
