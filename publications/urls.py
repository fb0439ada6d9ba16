"""Public URLs of the publications app that are not pages: feeds, widgets, QR codes."""

app_name = "publications"

urlpatterns: list = []
