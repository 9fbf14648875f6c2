from django.urls import path

from khuyencong.schemes import views, views_details, views_plans

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
    path("ke-hoach/<int:pk>/sua/", views_plans.plan_edit, name="plan-edit"),
    path("ke-hoach/them-moi/", views_plans.plan_create, name="plan-create"),
    path("chuong-trinh/them-moi/", views_plans.programme_create, name="programme-create"),
    path("chuong-trinh/<int:pk>/sua/", views_plans.programme_edit, name="programme-edit"),
    path("dinh-muc/", views_plans.norm_list, name="norms"),
    path("dinh-muc/them-moi/", views_plans.norm_create, name="norm-create"),
    path("dinh-muc/<int:pk>/sua/", views_plans.norm_edit, name="norm-edit"),
    path("<int:pk>/mo-hinh-trinh-dien/", views_details.demonstration_save, name="demonstration"),
    path("<int:pk>/chi-tiet/<slug:kind>/", views_details.item_add, name="item-add"),
    path("<int:pk>/chi-tiet/<slug:kind>/<int:item>/xoa/", views_details.item_remove, name="item-remove"),
]
