"""REST API v1 routes of the evaluation app."""

from rest_framework.routers import DefaultRouter

app_name = "evaluation-api"

router = DefaultRouter()

urlpatterns = [*router.urls]
