"""The Reports page: a visit's PDF report, a progress report for a period, a patient's data as
JSON and CSV, and erasing a patient after a typed confirmation."""
