from django.urls import path

from khuyencong.reports import issued_views, views

app_name = "reports"
urlpatterns = [
    path("", views.period_report, name="period"),
    path("bang-dieu-khien/", views.dashboard, name="dashboard"),
    path("chi-tieu/<str:code>/", views.drilldown, name="drilldown"),
    path("ban-hanh/", issued_views.issue, name="issue"),
    path("da-ban-hanh/", issued_views.issued_list, name="issued-list"),
    path("da-ban-hanh/<int:pk>/", issued_views.issued_detail, name="issued-detail"),
    path("da-ban-hanh/<int:pk>/tep/<str:kind>/", issued_views.issued_file, name="issued-file"),
    path("da-ban-hanh/<int:pk>/ky-so/", issued_views.sign, name="issued-sign"),
    path("da-ban-hanh/<int:pk>/tai-len-ban-ky/", issued_views.upload_signed, name="issued-upload"),
]
