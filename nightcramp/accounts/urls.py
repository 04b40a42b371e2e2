from __future__ import annotations

from django.urls import path

from nightcramp.accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/password/done/", views.password_change_done, name="password_change_done"),
    path("account/tokens/", views.token_create, name="token_create"),
    path("account/tokens/<int:pk>/delete/", views.token_delete, name="token_delete"),
]
