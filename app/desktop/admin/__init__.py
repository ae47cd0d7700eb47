"""The Administration page's services: every call needs an administrator's permission."""
