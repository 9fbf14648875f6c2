from django.urls import path

from khuyencong.training import views, views_bulk, views_persons

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("lop/them-moi/", views.course_create, name="course_create"),
    path("lop/<int:pk>/", views.course_detail, name="course_detail"),
    path("lop/<int:pk>/sua/", views.course_edit, name="course_edit"),
    path("lop/<int:pk>/ghi-danh/", views.course_enrol, name="course_enrol"),
    path("lop/<int:pk>/ghi-danh-theo-danh-sach/", views.course_enrol_list, name="course_enrol_list"),
    path("lop/<int:pk>/ghi-danh-nhieu-nguoi/", views_bulk.course_enrol_picked, name="course_enrol_picked"),
    path("lop/<int:pk>/ket-qua-ca-lop/", views_bulk.course_settle, name="course_settle"),
    path("lop/<int:pk>/theo-doi/", views_bulk.course_follow_ups, name="course_follow_ups"),
    path("hoc-vien/<int:pk>/hoan-thanh/", views.participation_complete, name="participation_complete"),
    path("hoc-vien/<int:pk>/bo-hoc/", views.participation_drop, name="participation_drop"),
    path("hoc-vien/<int:pk>/theo-doi/", views.follow_up_create, name="follow_up_create"),
    path("theo-doi-den-han/", views.follow_ups_due, name="follow_ups_due"),
    path("nguoi/", views_persons.person_list, name="person_list"),
    path("nguoi/them-moi/", views_persons.person_create, name="person_create"),
    path("nguoi/<int:pk>/", views_persons.person_detail, name="person_detail"),
    path("nguoi/<int:pk>/sua/", views_persons.person_edit, name="person_edit"),
    path("nguoi/<int:pk>/so-dinh-danh/", views_persons.person_unmask, name="person_unmask"),
    path("nguoi/<int:pk>/xuat-du-lieu/", views_persons.person_export, name="person_export"),
    path("nguoi/<int:pk>/han-che/", views_persons.person_restrict, name="person_restrict"),
    path("nguoi/<int:pk>/gop/", views_persons.person_merge, name="person_merge"),
    path("nguoi/<int:pk>/can-cu/", views_persons.consent_add, name="consent_add"),
    path("nguoi/<int:pk>/can-cu/<int:consent_pk>/rut-lai/", views_persons.consent_withdraw, name="consent_withdraw"),
]
