"""Public interaction: letters."""
