"""The sync server (FastAPI on PostgreSQL). Imports core, never ui/ or app/."""
