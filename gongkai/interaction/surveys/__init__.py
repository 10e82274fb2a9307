"""Public interaction: surveys."""
