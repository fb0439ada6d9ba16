"""Spreadsheet imports of the official forms (reading, forms, engine)."""
