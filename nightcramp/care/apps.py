from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "nightcramp.care"
    label = "care"
    verbose_name = "Guided care"

    def ready(self) -> None:
        # Load and validate the Learn pages and the routines against the bibliography at start-up, so a
        # claim without a source (or with an unknown or unverified one) stops the server with a message
        # naming the file and the entry.
        from nightcramp.knowledge import education
        from nightcramp.knowledge.care import load_care

        education.load()
        load_care()
