"""Customer profiles: validation, resolution, survivorship and storage of source records."""
