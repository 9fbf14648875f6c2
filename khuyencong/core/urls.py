from django.urls import path

from khuyencong.core import views
from khuyencong.core.metrics import metrics

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("readyz", views.ready, name="ready"),
    path("metrics", metrics, name="metrics"),
    path("chon/<slug:kind>/", views.picker, name="picker"),
    path("can-xem-xet/", views.held_duplicates, name="held_duplicates"),
    path("can-xem-xet/<int:pk>/da-xu-ly/", views.held_duplicate_resolve, name="held_duplicate_resolve"),
]
