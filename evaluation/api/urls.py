"""REST API v1 routes of the evaluation app."""

from django.urls import path
from rest_framework import routers
from rest_framework.response import Response
from rest_framework.reverse import reverse

from evaluation.api import views
from evaluation.nok.calculator import CalculatorView
from evaluation.opendata import api as opendata
from evaluation.plans import api as letters
from evaluation.regional import api as regional

app_name = "evaluation-api"


class APIRootView(routers.APIRootView):
    """Корень API v1: ресурсы и калькулятор оценки."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = dict(response.data)
        data["calculator"] = reverse(
            "evaluation-api:calculator", request=request, format=kwargs.get("format")
        )
        return Response(data)


class Router(routers.DefaultRouter):
    APIRootView = APIRootView


router = Router()
router.register("districts", views.DistrictViewSet, basename="district")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("results", views.ResultViewSet, basename="result")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("reports", views.ReportViewSet, basename="report")
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register(
    "target-indicators", views.TargetIndicatorViewSet, basename="target-indicator"
)
router.register("decisions", views.CouncilDecisionViewSet, basename="decision")
router.register("letters", letters.LetterViewSet, basename="letter")
router.register("proposals", letters.ProposalViewSet, basename="proposal")
router.register("imports", views.ImportViewSet, basename="import")
router.register(
    "regional-plans", regional.RegionalPlanViewSet, basename="regional-plan"
)
router.register(
    "website-monitoring",
    regional.WebsiteMonitoringViewSet,
    basename="website-monitoring",
)

#: Routes other than the router's; a site that registers more viewsets on
#: ``router`` (portal_site adds documents) composes ``[*base_urlpatterns,
#: *router.urls]`` itself under the ``evaluation-api`` namespace.
base_urlpatterns = [
    path("calculator/", CalculatorView.as_view(), name="calculator"),
    *opendata.urlpatterns,
]

urlpatterns = [*base_urlpatterns, *router.urls]
