from django.urls import path

from khuyencong.products import manage_views, views, views_council, views_results

app_name = "products"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("cong-nhan/", views.public_list, name="public"),
    path("vong/moi/", manage_views.round_create, name="round_create"),
    path("vong/<int:pk>/hoi-dong/", manage_views.council_setup, name="council"),
    path("vong/<int:pk>/hoi-dong/<int:member_pk>/<str:action>/", views_council.member_change, name="member_change"),
    path("vong/<int:pk>/ket-qua/", views_results.results_page, name="results"),
    path("vong/<int:pk>/ket-qua/<str:document>.<str:fmt>", views_results.results_document, name="results_document"),
    path("vong/<int:pk>/ho-so/moi/", manage_views.nomination_create, name="nomination_create"),
    path("sp/moi/", manage_views.product_create, name="product_create"),
    path("sp/<int:pk>/giay-to/", manage_views.document_add, name="document_add"),
    path("vong/<int:pk>/", views.round_dashboard, name="round"),
    path("vong/<int:pk>/chuyen/<str:action>/", views.round_action, name="round_action"),
    path("vong/<int:pk>/cham-diem/", views.juror_queue, name="juror_queue"),
    path("vong/<int:pk>/phieu-cham/<int:member_pk>/", views.score_sheet, name="score_sheet"),
    path("vong/<int:pk>/phieu-cham/<int:member_pk>/pdf/", views.score_sheet_pdf, name="score_sheet_pdf"),
    path("ho-so/<int:pk>/cham-diem/", views.score_nomination, name="score"),
    path("sp/<int:pk>/", views.product_detail, name="product"),
    path("chung-nhan/<int:pk>/", views.certificate_print, name="certificate"),
    path("chung-nhan/<int:pk>/binh-chon-lai/", views_results.rerate, name="rerate"),
    path("chung-nhan/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
