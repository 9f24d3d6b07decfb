"""The `cdp` command line."""
