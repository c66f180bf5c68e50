"""CartStart federation hub."""
