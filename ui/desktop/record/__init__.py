"""One patient's record: details, visit timeline, trends, notes and consent history."""
