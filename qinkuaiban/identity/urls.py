from django.urls import path

from qinkuaiban.identity import views

app_name = "identity"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/id-number/", views.reveal_own_id_number, name="reveal_id_number"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/backup-codes/", views.backup_codes_regenerate, name="backup_codes"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/", views.user_grant_role, name="user_grant_role"),
    path("users/<int:pk>/roles/<int:membership_pk>/revoke/", views.user_revoke_role,
         name="user_revoke_role"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/id-number/", views.user_reveal_id_number,
         name="user_reveal_id_number"),
    path("users/<int:pk>/two-factor/reset/", views.user_reset_two_factor,
         name="user_reset_two_factor"),
    path("security/", views.security_overview, name="security"),
    path("security/release/", views.security_release, name="security_release"),
]
