"""SkinLab composition root: entry points, settings wiring. Only this package knows ui/ and core/."""

__version__ = "0.1.0"
