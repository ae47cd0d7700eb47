"""Widgets shared by the kiosk and the desktop."""
