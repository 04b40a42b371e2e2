from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "nightcramp.insights"
    label = "insights"
    verbose_name = "Insights"
