"""The patient list and the patient editor."""
