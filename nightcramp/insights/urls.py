from __future__ import annotations

from django.urls import path

from nightcramp.insights import views

urlpatterns = [
    path("", views.insights, name="insights"),
    path("experiment/", views.experiment, name="experiment"),
    path("experiment/<uuid:pk>/", views.experiment_detail, name="experiment_detail"),
    path("experiment/<uuid:pk>/end/", views.experiment_stop, name="experiment_stop"),
    path("experiment/<uuid:pk>/delete/", views.experiment_delete, name="experiment_delete"),
]
