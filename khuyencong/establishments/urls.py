from django.urls import path

from khuyencong.establishments import views

app_name = "establishments"
urlpatterns = [
    path("", views.establishment_list, name="list"),
    path("them-moi/", views.establishment_create, name="create"),
    path("<int:pk>/", views.establishment_detail, name="detail"),
    path("<int:pk>/sua/", views.establishment_edit, name="edit"),
]
