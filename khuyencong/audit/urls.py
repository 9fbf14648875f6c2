from django.urls import path

from khuyencong.audit import views

app_name = "audit"
urlpatterns = [
    path("truy-cap-du-lieu-ca-nhan/", views.access_log, name="access_log"),
    path("thay-doi/", views.changes, name="changes"),
    path("thay-doi/<str:label>/", views.changes, name="changes_of"),
]
