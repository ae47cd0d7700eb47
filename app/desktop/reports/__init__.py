"""The Reports page's services: reports, exports and erasure of one patient's data."""
