from django.contrib.auth import views as auth_views
from django.urls import path

from khuyencong.accounts import views

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc-2-buoc/", views.verify, name="two_factor_verify"),
    path("xac-thuc-2-buoc/thiet-lap/", views.two_factor_setup, name="two_factor_setup"),
    # Django's reset views answer the same way whether or not the address belongs to an account.
    path("quen-mat-khau/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
