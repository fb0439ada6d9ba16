"""URLs of the downloadable documents (included under ``documents/``)."""

from django.urls import path, re_path

from . import views

app_name = "documents"

urlpatterns = [
    re_path(
        r"^campaigns/(?P<slug>[-\w]+)/report\.(?P<extension>pdf|docx)$",
        views.results_report,
        name="results-report",
    ),
    re_path(
        r"^campaigns/(?P<slug>[-\w]+)/sector-report\.(?P<extension>pdf|docx)$",
        views.sector_report,
        name="sector-report",
    ),
    re_path(
        r"^campaigns/(?P<slug>[-\w]+)/journal\.docx$",
        views.journal_material,
        name="journal-material",
    ),
    re_path(
        r"^campaigns/(?P<slug>[-\w]+)/organisations/(?P<organisation_slug>[-\w]+)\.pdf$",
        views.organisation_card,
        name="organisation-card",
    ),
    re_path(
        r"^decades/(?P<slug>[-\w]+)\.pdf$", views.decade_results, name="decade-results"
    ),
    path("decisions/<int:pk>.pdf", views.council_decision, name="decision"),
    # The large-print variant first: a code may not end in "-large".
    re_path(
        r"^anketa/(?P<code>[-\w.]+)-large\.pdf$",
        views.questionnaire,
        {"large": True},
        name="questionnaire-large",
    ),
    re_path(
        r"^anketa/(?P<code>[-\w.]+)\.pdf$", views.questionnaire, name="questionnaire"
    ),
]
