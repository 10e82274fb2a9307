"""Supervision: assessment."""
