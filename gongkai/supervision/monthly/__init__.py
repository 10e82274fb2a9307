"""Supervision: monthly."""
