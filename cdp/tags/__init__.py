"""Customer tags: definitions (`policies/tags.yaml`), computation into the masked view."""
