"""Queries of the catalogue, shared by pages, the API, search and reports.

``public`` answers what anyone may see (published, proactively disclosed); ``staff`` answers
what staff work on (drafts, review queues, clocks); ``lists`` the structured key-area lists.
"""
