from django.urls import path

from khuyencong.schemes import views

app_name = "schemes"
urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("them-moi/", views.scheme_create, name="create"),
    path("<int:pk>/", views.scheme_detail, name="detail"),
    path("<int:pk>/sua/", views.scheme_edit, name="edit"),
    path("<int:pk>/chuyen-trang-thai/", views.scheme_transition, name="transition"),
    path("<int:pk>/giai-ngan/", views.scheme_disburse, name="disburse"),
    path("<int:pk>/tai-lieu/", views.scheme_attach, name="attach"),
    path("<int:pk>/dieu-chinh/", views.scheme_amend, name="amend"),
    path("tai-lieu/<int:pk>/", views.attachment_download, name="attachment"),
    path("ke-hoach/", views.plan_list, name="plans"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan"),
]
