from __future__ import annotations

from django.urls import path

from nightcramp.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.questionnaire, name="questionnaire"),
    path("latest/", views.latest, name="latest"),
    path("past/", views.past, name="past"),
    path("<uuid:pk>/", views.result, name="result"),
    path("<uuid:pk>/answers.json", views.answers_json, name="answers_json"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
    path("<uuid:pk>/seen/", views.seen, name="seen"),
    path("first-night/close/", views.close_first_night, name="close_first_night"),
]
