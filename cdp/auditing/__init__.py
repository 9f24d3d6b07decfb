"""The audit trail in the store: keyed hash chains written in the caller's transaction."""
