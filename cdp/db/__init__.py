"""Database plumbing: engines, the unit of work, table definitions."""
