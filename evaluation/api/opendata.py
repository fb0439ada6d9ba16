"""Open data downloads: every table as CSV, XLSX and JSON, campaign dumps."""

urlpatterns: list = []
