from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "nightcramp.sharing"
    label = "sharing"
    verbose_name = "Sharing"
