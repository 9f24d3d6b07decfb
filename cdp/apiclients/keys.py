"""The signing key of API access tokens: CDP_TOKEN_KEY in prod, var/keys/token.key in dev."""

from __future__ import annotations

from cdp.settings import Settings

TOKEN_KEY_ENV = "CDP_TOKEN_KEY"  # noqa: S105 - the variable's name, not a secret
TOKEN_KEY_FILE = "token.key"  # noqa: S105 - a file name, not a secret


def token_signing_key(settings: Settings, *, create: bool) -> bytes:
    """Returns the token signing key, kept apart from every data and index key."""
    # Imported here so the composition root may wire this package without an import cycle.
    from cdp.bootstrap import _master_key

    configured = settings.token_key
    return _master_key(
        settings, configured, TOKEN_KEY_ENV, TOKEN_KEY_FILE, "token signing", create=create
    )[0]
