"""Scanning free text for PII and C3 data: the `cdp scan` command's engine."""
