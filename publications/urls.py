"""Public URLs of the publications app that are not pages: feeds, widgets, QR codes."""

from django.urls import include, path, re_path

from . import feeds, qr, questionnaire, widgets

app_name = "publications"

# Organisation slugs as the directory routes them (``[-\w]+``).
SLUG = r"(?P<slug>[-\w]+)"
# Organisation register codes in the questionnaire's short links.
CODE = r"(?P<code>[-\w.]+)"

urlpatterns = [
    path("documents/", include("publications.documents.urls")),
    path("feeds/results/rss/", feeds.ResultsFeed(), name="feed-results-rss"),
    path("feeds/results/atom/", feeds.ResultsAtomFeed(), name="feed-results-atom"),
    path("feeds/decisions/rss/", feeds.DecisionsFeed(), name="feed-decisions-rss"),
    path(
        "feeds/decisions/atom/",
        feeds.DecisionsAtomFeed(),
        name="feed-decisions-atom",
    ),
    path("feeds/documents/rss/", feeds.DocumentsFeed(), name="feed-documents-rss"),
    path(
        "feeds/documents/atom/",
        feeds.DocumentsAtomFeed(),
        name="feed-documents-atom",
    ),
    re_path(
        rf"^feeds/organisations/{SLUG}/rss/$",
        feeds.OrganisationFeed(),
        name="feed-organisation-rss",
    ),
    re_path(
        rf"^feeds/organisations/{SLUG}/atom/$",
        feeds.OrganisationAtomFeed(),
        name="feed-organisation-atom",
    ),
    re_path(rf"^widget/{SLUG}/$", widgets.widget, name="widget"),
    re_path(
        rf"^widget/{SLUG}/badge\.svg$", widgets.badge_svg_view, name="widget-badge-svg"
    ),
    re_path(
        rf"^widget/{SLUG}/badge\.png$", widgets.badge_png_view, name="widget-badge-png"
    ),
    re_path(rf"^widget/{SLUG}/embed/$", widgets.embed_help, name="widget-embed"),
    re_path(rf"^qr/{SLUG}\.svg$", qr.qr_svg_view, name="qr-svg"),
    re_path(rf"^qr/{SLUG}\.png$", qr.qr_png_view, name="qr-png"),
    re_path(rf"^q/{CODE}/$", questionnaire.questionnaire, name="questionnaire"),
    re_path(rf"^q/{CODE}/thanks/$", questionnaire.thanks, name="questionnaire-thanks"),
    re_path(
        rf"^q/{CODE}/qr\.svg$",
        qr.questionnaire_qr_svg_view,
        name="questionnaire-qr-svg",
    ),
    re_path(
        rf"^q/{CODE}/qr\.png$",
        qr.questionnaire_qr_png_view,
        name="questionnaire-qr-png",
    ),
]
