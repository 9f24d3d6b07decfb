"""Key files and encoded keys: private permissions, atomic creation, best-effort shredding."""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import Final

from cdp.crypto.errors import InvalidKeyMaterial, KeyFilePermissions

FILE_MODE: Final = 0o600
DIR_MODE: Final = 0o700


def decode_b64_key(text: str | bytes, source: str, *, length: int, exact: bool = True) -> bytes:
    """Decode a base64 key, naming only its source in errors so the value never leaks."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKeyMaterial(f"{source} is not valid base64") from None
    if len(key) != length if exact else len(key) < length:
        wanted = f"{length} bytes" if exact else f"at least {length} bytes"
        raise InvalidKeyMaterial(f"{source} must decode to {wanted}")
    return key


def encode_b64_key(key: bytes) -> bytes:
    """Encode a key for a key file, newline-terminated so editors leave it intact."""
    return base64.b64encode(key) + b"\n"


def make_private_dir(path: Path) -> None:
    """Create the directory and any missing parents as 0o700; leave existing ones alone."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=DIR_MODE)
            directory.chmod(DIR_MODE)


def check_private_dir(path: Path) -> None:
    """Refuse a key directory that others may read or write."""
    if stat.S_IMODE(path.stat().st_mode) & ~DIR_MODE:
        raise KeyFilePermissions(f"{path} must be mode 0700 or narrower")


def read_secret_file(path: Path) -> bytes:
    """Read a key file after checking on the open descriptor that only the owner can read it."""
    with path.open("rb") as handle:
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        if mode & ~FILE_MODE:
            raise KeyFilePermissions(f"{path} has mode {mode:04o}; key files must be 0600")
        return handle.read()


def create_secret_file(path: Path, data: bytes) -> None:
    """Write a 0o600 file atomically; raise `FileExistsError` rather than replace a key."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def shred_secret_file(path: Path) -> None:
    """Overwrite then unlink a key file; on SSDs and copy-on-write disks this is best effort."""
    path.chmod(FILE_MODE)  # a 0400 file must still be overwritable
    with path.open("r+b") as handle:
        handle.write(os.urandom(os.fstat(handle.fileno()).st_size))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    """Persist a directory entry change so a crash cannot lose a new or deleted key."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
