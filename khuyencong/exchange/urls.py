from django.urls import path

from khuyencong.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("mau/<slug:code>/", views.template_download, name="template"),
    path("xuat/<slug:code>/", views.export_download, name="export"),
    path("nhap/<slug:code>/", views.upload, name="upload"),
    path("lan-nhap/", views.job_list, name="jobs"),
    path("lan-nhap/<int:pk>/", views.job_detail, name="job"),
    path("lan-nhap/<int:pk>/tien-do/", views.job_progress, name="progress"),
    path("lan-nhap/<int:pk>/xac-nhan/", views.job_confirm, name="confirm"),
    path("lan-nhap/<int:pk>/bao-cao-loi/", views.job_problems, name="problems"),
    path("lan-nhap/<int:pk>/tep/", views.job_file, name="file"),
]
