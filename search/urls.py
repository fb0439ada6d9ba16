"""URLs of the public search page (mounted at ``/search/`` by the site)."""

from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="page"),
    path("suggest/", views.suggest_view, name="suggest"),
]
