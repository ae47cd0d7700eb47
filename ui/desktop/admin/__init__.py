"""Administration: accounts, the audit log, this device's settings and its sync status."""
