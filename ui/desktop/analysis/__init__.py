"""One analysis at full resolution, and two of them compared."""
