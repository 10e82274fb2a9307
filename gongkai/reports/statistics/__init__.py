"""Statistics reporting (统计报送): periodic forms that member agencies submit to the disclosure
office, prefilled from the records, and the office's statistics page."""
