from django.urls import path

from khuyencong.fairs import views

app_name = "fairs"
urlpatterns = [
    path("", views.fair_list, name="list"),
    path("them-moi/", views.fair_create, name="create"),
    path("<int:pk>/", views.fair_detail, name="detail"),
    path("<int:pk>/sua/", views.fair_edit, name="edit"),
    path("<int:pk>/xuat-excel/", views.fair_export, name="export"),
    path("<int:fair_pk>/dang-ky/", views.participation_create, name="participation-create"),
    path("tham-gia/<int:pk>/sua/", views.participation_edit, name="participation-edit"),
    path("tham-gia/<int:pk>/xoa/", views.participation_delete, name="participation-delete"),
    path("co-so/<int:establishment_id>/", views.establishment_history, name="establishment"),
    path("diem-gioi-thieu/", views.showroom_list, name="showroom-list"),
    path("diem-gioi-thieu/them-moi/", views.showroom_create, name="showroom-create"),
    path("diem-gioi-thieu/<int:pk>/", views.showroom_detail, name="showroom-detail"),
    path("diem-gioi-thieu/<int:pk>/sua/", views.showroom_edit, name="showroom-edit"),
    path("diem-gioi-thieu/<int:showroom_pk>/trung-bay/", views.display_create, name="display-create"),
    path("trung-bay/<int:pk>/sua/", views.display_edit, name="display-edit"),
]
