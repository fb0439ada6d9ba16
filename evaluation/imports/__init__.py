"""Spreadsheet imports of the official forms (reading, sheets, engine)."""
