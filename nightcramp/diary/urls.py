from __future__ import annotations

from django.urls import path, register_converter

from nightcramp.diary import views, views_files


class DateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str):  # type: ignore[no-untyped-def]
        from datetime import date

        return date.fromisoformat(value)

    def to_url(self, value) -> str:  # type: ignore[no-untyped-def]
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


register_converter(DateConverter, "date")

urlpatterns = [
    path("", views.home, name="home"),
    path("tonight/", views.tonight, name="tonight"),
    path("episodes/now/", views.episode_now, name="episode_now"),
    path("episodes/<uuid:pk>/details/", views.episode_details, name="episode_details"),
    path("episodes/<uuid:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("episodes/<uuid:pk>/delete/", views.episode_delete, name="episode_delete"),
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/<date:day>/", views.checkin, name="checkin_night"),
    path("checkin/<date:day>/merge/", views.checkin_merge, name="checkin_merge"),
    path("history/", views.history, name="history"),
    path("history/<int:year>/<int:month>/", views.calendar, name="calendar"),
    path("nights/<date:day>/", views.night_detail, name="night"),
    path("nights/<date:day>/delete/", views.night_delete, name="night_delete"),
    path("medications/", views.medications, name="medications"),
    path("medications/<uuid:pk>/edit/", views.medication_edit, name="medication_edit"),
    path("medications/<uuid:pk>/delete/", views.medication_delete, name="medication_delete"),
    path("export/", views_files.export, name="export"),
    path("import/", views_files.import_files, name="import"),
]
