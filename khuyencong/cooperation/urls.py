from django.urls import path

from khuyencong.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("hoat-dong/them-moi/", views.activity_create, name="activity_create"),
    path("hoat-dong/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("hoat-dong/<int:pk>/them-nguoi/", views.participant_add, name="participant_add"),
    path("hoat-dong/<int:pk>/bot-nguoi/<int:participant_pk>/", views.participant_remove, name="participant_remove"),
    path("doi-tac/", views.partner_list, name="partner_list"),
    path("doi-tac/<int:pk>/sua/", views.partner_edit, name="partner_edit"),
    path("thoa-thuan/<int:pk>/sua/", views.agreement_edit, name="agreement_edit"),
    path("doi-tac/<int:pk>/", views.partner_detail, name="partner_detail"),
]
