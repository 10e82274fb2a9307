"""Gongkai (公开): government information disclosure under the 2019 Regulation."""
