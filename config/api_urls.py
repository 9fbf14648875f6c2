"""API v1: one router for every app's endpoints, plus the generated OpenAPI 3 schema and its docs."""

from importlib import import_module

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from khuyencong.establishments.api import EstablishmentViewSet
from khuyencong.geo.api import AdministrativeUnitViewSet
from khuyencong.indicators.api import CatalogueView, IndicatorsView

router = DefaultRouter(trailing_slash=False)
router.register("establishments", EstablishmentViewSet, basename="establishment")
router.register("units", AdministrativeUnitViewSet, basename="unit")
# Each domain app adds its own viewsets through ``<app>.api.register(router)``.
for app in ("schemes", "training", "cooperation", "products", "fairs", "reports"):
    import_module(f"khuyencong.{app}.api").register(router)

urlpatterns = [
    path("indicators", IndicatorsView.as_view(), name="api-indicators"),
    path("indicators/catalogue", CatalogueView.as_view(), name="api-indicator-catalogue"),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the CSP needs no inline scripts.
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
