"""Queries and writes on one entity each; they take a session and never commit (the caller's
unit of work does)."""
