"""Stored, versioned segments over the masked view and consent-aware, k-suppressed runs."""
