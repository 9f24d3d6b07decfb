"""The consent ledger in the store: events in, projection and outbox kept in step, verdicts out."""
