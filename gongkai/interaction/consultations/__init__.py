"""Public interaction: consultations."""
