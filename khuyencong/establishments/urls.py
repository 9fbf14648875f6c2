from django.urls import path

from khuyencong.establishments import representative_views as reps
from khuyencong.establishments import views

app_name = "establishments"
urlpatterns = [
    path("", views.establishment_list, name="list"),
    path("them-moi/", views.establishment_create, name="create"),
    path("<int:pk>/", views.establishment_detail, name="detail"),
    path("<int:pk>/sua/", views.establishment_edit, name="edit"),
    path("<int:pk>/moi-dai-dien/", reps.invitation_create, name="invitation_create"),
    path("loi-moi/<str:token>/", reps.invitation_accept, name="invitation_accept"),
    path("dang-ky-dai-dien/", reps.self_registration, name="self_registration"),
    path("de-nghi-dai-dien/", reps.registration_list, name="registration_list"),
    path("de-nghi-dai-dien/<int:pk>/", reps.registration_decide, name="registration_decide"),
]
