"""Importing photos from other cameras: choose the files, analyse them on every core in worker
processes, save each result for the chosen patient and visit date in this process."""
