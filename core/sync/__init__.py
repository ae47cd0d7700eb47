"""Offline-first sync: hybrid logical clocks, the transactional outbox, the protocol, the client."""
