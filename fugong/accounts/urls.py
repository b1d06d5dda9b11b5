from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.my_account, name="my_account"),
    path("me/password/", views.my_password, name="my_password"),
    path("me/password/new/", views.password_required_view, name="password_required"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("login/code/", views.two_factor_verify_view, name="two_factor_verify"),
    path("me/two-factor/", views.two_factor_enrol_view, name="two_factor_enrol"),
    path("me/two-factor/confirm/", views.two_factor_confirm_view, name="two_factor_confirm"),
    path("me/two-factor/recovery/", views.two_factor_recovery_view, name="two_factor_recovery"),
    path("me/two-factor/disable/", views.two_factor_disable_view, name="two_factor_disable"),
    path(
        "users/<int:user_id>/two-factor/reset/",
        views.user_two_factor_reset_view,
        name="user_two_factor_reset",
    ),
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:user_id>/", views.user_edit_view, name="user_edit"),
    path("users/<int:user_id>/password/", views.user_password_view, name="user_password"),
    path("users/<int:user_id>/active/", views.user_active_view, name="user_active"),
]
