"""Exceptions of the crypto library; messages never carry plaintext or key bytes."""


class CryptoError(Exception):
    """Base class of every error raised by `cdp.crypto`."""


class CiphertextInvalid(CryptoError):
    """A ciphertext or wrapped key is malformed, truncated, tampered with or bound elsewhere."""


class KekUnavailable(CryptoError):
    """A key-encryption key version is missing, destroyed or cannot be created here."""


class KeyFilePermissions(CryptoError):
    """A key file or key directory is readable or writable by others than its owner."""


class InvalidKeyMaterial(CryptoError):
    """Configured key material is not valid base64 or has the wrong length."""


class UnsupportedSuite(CryptoError):
    """The cipher suite is unknown or missing from the linked OpenSSL build."""
