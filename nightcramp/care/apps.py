from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "nightcramp.care"
    label = "care"
    verbose_name = "Guided care"
