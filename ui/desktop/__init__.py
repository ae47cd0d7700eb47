"""The clinician's desktop application."""
