from django.urls import path

from khuyencong.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("hoat-dong/them-moi/", views.activity_create, name="activity_create"),
    path("hoat-dong/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("hoat-dong/<int:pk>/them-nguoi/", views.participant_add, name="participant_add"),
    path("doi-tac/", views.partner_list, name="partner_list"),
    path("doi-tac/<int:pk>/", views.partner_detail, name="partner_detail"),
]
