"""API v1 endpoints of the training app."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the API v1 router."""
