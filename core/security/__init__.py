"""Data at rest: the device's data key (keyring or owner-only key file), AES-GCM for files,
owner-only permissions, and encrypting an older plain data directory in place."""
