"""Pure policy decision point: field catalogue classes, Casbin decisions, explain (skeleton)."""
