from django.urls import path

from khuyencong.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.period_report, name="period"),
    path("bang-dieu-khien/", views.dashboard, name="dashboard"),
    path("chi-tieu/<str:code>/", views.drilldown, name="drilldown"),
]
