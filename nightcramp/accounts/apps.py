from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nightcramp.accounts"
    label = "accounts"
