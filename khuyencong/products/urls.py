from django.urls import path

from khuyencong.products import views

app_name = "products"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("cong-nhan/", views.public_list, name="public"),
    path("vong/<int:pk>/", views.round_dashboard, name="round"),
    path("vong/<int:pk>/chuyen/<str:action>/", views.round_action, name="round_action"),
    path("vong/<int:pk>/cham-diem/", views.juror_queue, name="juror_queue"),
    path("vong/<int:pk>/phieu-cham/<int:member_pk>/", views.score_sheet, name="score_sheet"),
    path("ho-so/<int:pk>/cham-diem/", views.score_nomination, name="score"),
    path("sp/<int:pk>/", views.product_detail, name="product"),
    path("chung-nhan/<int:pk>/", views.certificate_print, name="certificate"),
]
