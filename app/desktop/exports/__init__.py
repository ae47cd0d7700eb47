"""Writing what the desktop exports (PDF reports, CSV and JSON files, export folders) where the
person chose, whole or not at all."""
