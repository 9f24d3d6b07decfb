"""privacy-cdp: the application that composes the governance, consent, masking and audit cores."""

__version__ = "0.1.0"
