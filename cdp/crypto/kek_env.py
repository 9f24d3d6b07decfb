"""KEKs from environment variables ``CDP_KEK_V1``, ``CDP_KEK_V2``, … (base64), for containers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from cdp.crypto.errors import KekUnavailable
from cdp.crypto.kek import unwrap_key, wrap_key
from cdp.crypto.keymaterial import decode_b64_key
from cdp.crypto.suite import Aead, CipherSuite, key_length, make_aead

ENV_PREFIX: Final = "CDP_KEK_V"
_VARIABLE: Final = re.compile(re.escape(ENV_PREFIX) + r"([1-9][0-9]*)")


class EnvKekProvider:
    """Read KEK versions from the environment; rotation happens in the deployment, not here."""

    def __init__(self, environ: Mapping[str, str], suite: CipherSuite) -> None:
        self.name = "env"
        self._environ = environ
        self._suite = suite
        self._aeads: dict[int, Aead] = {}

    def versions(self) -> list[int]:
        """List the versions that have a variable set."""
        matches = (_VARIABLE.fullmatch(name) for name in self._environ)
        return sorted(int(match[1]) for match in matches if match)

    def wrap(self, version: int, dek: bytes, aad: bytes) -> bytes:
        """Wrap a data key under KEK `version`."""
        return wrap_key(self._aead(version), self._suite, version, dek, aad)

    def unwrap(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        """Unwrap a data key wrapped under KEK `version`."""
        return unwrap_key(self._aead(version), version, wrapped, aad)

    def create_version(self) -> int:
        """Refuse, telling the operator which variable to set instead."""
        variable = f"{ENV_PREFIX}{max(self.versions(), default=0) + 1}"
        raise KekUnavailable(
            f"the env KEK provider cannot create keys: set {variable} to the base64 of "
            f"{key_length(self._suite)} random bytes and restart"
        )

    def destroy_version(self, version: int) -> None:
        """Refuse, telling the operator to remove the variable from the deployment."""
        raise KekUnavailable(
            f"the env KEK provider cannot destroy keys: remove {ENV_PREFIX}{version} "
            "from the deployment and its secret store, then restart"
        )

    def key_bytes(self, version: int) -> bytes:
        """Decode one version's key, so prod settings can refuse placeholder keys."""
        variable = f"{ENV_PREFIX}{version}"
        text = self._environ.get(variable)
        if text is None:
            raise KekUnavailable(f"KEK version {version} is not set ({variable})")
        return decode_b64_key(text, variable, length=key_length(self._suite))

    def _aead(self, version: int) -> Aead:
        """Return the cached cipher of a version, decoding its variable on first use."""
        aead = self._aeads.get(version)
        if aead is None:
            aead = self._aeads[version] = make_aead(self._suite, self.key_bytes(version))
        return aead
