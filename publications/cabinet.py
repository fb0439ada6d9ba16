"""Institution cabinet in the Wagtail admin (filled by the roles change)."""
