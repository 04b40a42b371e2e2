from __future__ import annotations

from django.urls import path

from nightcramp.sharing import views

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/report.pdf", views.report_pdf, name="report_pdf"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/<uuid:pk>/withdraw/", views.share_withdraw, name="share_withdraw"),
    path("sharing/<uuid:pk>/forget/", views.share_forget, name="share_forget"),
    path("shared/<str:token>/", views.shared, name="shared"),
    path("shared/<str:token>/report.pdf", views.shared_pdf, name="shared_pdf"),
    path("account/backup.json", views.backup_download, name="backup"),
    path("account/fhir.json", views.fhir_download, name="fhir_export"),
    path("account/restore/", views.restore, name="restore"),
    path("account/delete/", views.account_delete, name="account_delete"),
]
