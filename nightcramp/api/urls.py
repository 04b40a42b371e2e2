# Placeholder: the JSON API is being written; see the foundation issue.
urlpatterns: list = []
