"""Public interaction: channels."""
