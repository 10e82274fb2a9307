"""Supervision: plans."""
