from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "nightcramp.diary"
    label = "diary"
    verbose_name = "Night diary"
