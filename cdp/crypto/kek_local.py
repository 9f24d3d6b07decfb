"""KEKs in local key files, for development and single-host deployments without a KMS."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

from cdp.crypto.errors import KekUnavailable
from cdp.crypto.kek import unwrap_key, wrap_key
from cdp.crypto.keymaterial import (
    check_private_dir,
    create_secret_file,
    decode_b64_key,
    encode_b64_key,
    make_private_dir,
    read_secret_file,
    shred_secret_file,
)
from cdp.crypto.suite import Aead, CipherSuite, key_length, make_aead

_FILE_NAME: Final = re.compile(r"v([1-9][0-9]*)\.key")
_CREATE_ATTEMPTS: Final = 5


class LocalFileKekProvider:
    """Keep KEK version N in ``key_dir/kek/vN.key`` as base64, readable by the owner only.

    A loaded key stays cached in this process; destroying a version elsewhere takes effect
    here after a restart.
    """

    def __init__(self, key_dir: Path, suite: CipherSuite) -> None:
        self.name = "local-file"
        self._dir = key_dir / "kek"
        self._suite = suite
        self._aeads: dict[int, Aead] = {}

    def versions(self) -> list[int]:
        """List the versions that have a key file."""
        if not self._dir.is_dir():
            return []
        matches = (_FILE_NAME.fullmatch(path.name) for path in self._dir.iterdir())
        return sorted(int(match[1]) for match in matches if match)

    def wrap(self, version: int, dek: bytes, aad: bytes) -> bytes:
        """Wrap a data key under KEK `version`."""
        return wrap_key(self._aead(version), self._suite, version, dek, aad)

    def unwrap(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        """Unwrap a data key wrapped under KEK `version`."""
        return unwrap_key(self._aead(version), version, wrapped, aad)

    def create_version(self) -> int:
        """Write the next version's key file; retry if another process takes the number."""
        make_private_dir(self._dir)
        for _ in range(_CREATE_ATTEMPTS):
            version = max(self.versions(), default=0) + 1
            key = os.urandom(key_length(self._suite))
            try:
                create_secret_file(self._path(version), encode_b64_key(key))
            except FileExistsError:
                continue
            return version
        raise KekUnavailable(f"could not claim a new KEK version in {self._dir}")

    def destroy_version(self, version: int) -> None:
        """Overwrite and delete a version's key file (crypto-shredding of everything under it)."""
        path = self._path(version)
        self._aeads.pop(version, None)
        try:
            shred_secret_file(path)
        except FileNotFoundError:
            raise KekUnavailable(f"KEK version {version} does not exist in {self._dir}") from None

    def _aead(self, version: int) -> Aead:
        """Return the cached cipher of a version, loading its key file on first use."""
        aead = self._aeads.get(version)
        if aead is None:
            aead = self._aeads[version] = make_aead(self._suite, self._load(version))
        return aead

    def _load(self, version: int) -> bytes:
        """Read and validate one key file, refusing loose permissions."""
        path = self._path(version)
        try:
            check_private_dir(self._dir)
            text = read_secret_file(path)
        except FileNotFoundError:
            raise KekUnavailable(f"KEK version {version} does not exist in {self._dir}") from None
        return decode_b64_key(text, str(path), length=key_length(self._suite))

    def _path(self, version: int) -> Path:
        """Return the key file path of a version."""
        return self._dir / f"v{version}.key"
