"""The diary as files: download everything as a zip of CSV files, or import CSV files."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from nightcramp.authz import person
from nightcramp.diary.csvio import ImportError_, Problem, export_zip, import_data
from nightcramp.diary.nights import localize
from nightcramp.diary.services import profile_of

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class Request(HttpRequest):
    user: User  # type: ignore[assignment]  # a ``person`` view is only reached signed in


@person
@require_GET
@never_cache
def export(request: Request) -> HttpResponse:
    """A zip named after today's date holding nights.csv, episodes.csv and medications.csv."""
    today = localize(timezone.now(), profile_of(request.user).time_zone).date()
    folder = f"nightcramp-export-{today.isoformat()}"
    response = HttpResponse(export_zip(request.user, folder), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{folder}.zip"'
    return response


@person
@require_http_methods(["GET", "POST"])
def import_files(request: Request) -> HttpResponse:
    """GET: the upload form. POST: import the files, all or nothing, or show every problem."""
    if request.method == "GET":
        return render(request, "diary/import.html", {"nav": "account"})
    uploads = request.FILES.getlist("files")
    too_big = [Problem(PurePath(f.name or "file").name, None, None,
                       f"is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
               for f in uploads if f.size is not None and f.size > MAX_UPLOAD_BYTES]
    try:
        if too_big:
            raise ImportError_(too_big)
        summary = import_data(request.user, [(PurePath(f.name or "file").name, f.read()) for f in uploads])
    except ImportError_ as exc:
        return render(request, "diary/import.html", {"nav": "account", "problems": exc.problems}, status=400)
    messages.success(request, summary.describe())
    return redirect("import")
