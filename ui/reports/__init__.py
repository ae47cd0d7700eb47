"""PDF reports rendered with Qt (no browser)."""
