from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "nightcramp.screening"
    label = "screening"
    verbose_name = "Safety screening"

    def ready(self) -> None:
        # Load and validate the rule set, medicine list and bibliography at start-up, so a broken data
        # file stops the server with a message naming the file and entry instead of failing a page later.
        from nightcramp.knowledge import load

        load()
