"""Sharing pages: the doctor report, share links and the page they open, full backups, restore and
account deletion. Each is a thin face over ``report``, ``pdf``, ``fhir`` and ``backup``, which the
``nightcramp report`` and ``nightcramp export`` commands call too."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nightcramp.authz import PersonRequest, owned, person, public
from nightcramp.diary import services
from nightcramp.sharing.forms import DeleteAccountForm, PeriodForm, RestoreForm, ShareForm
from nightcramp.sharing.models import ShareLink

if TYPE_CHECKING:
    from nightcramp.sharing.report import Report

GET_OR_POST = require_http_methods(["GET", "POST"])
MAX_BACKUP_BYTES = 50 * 1024 * 1024
SHARED_NIGHTS_PER_PAGE = 60


def build_report(*args: Any, **kwargs: Any) -> Report:
    from nightcramp.sharing.report import build_report as build  # the statistics load on first use

    return build(*args, **kwargs)


def render_pdf(built: Report) -> bytes:
    from nightcramp.sharing.pdf import render_pdf as render

    return render(built)


def report_charts(built: Report) -> list[Any]:
    """The report's two charts for a page (the PDF draws its own, in black and white)."""
    from nightcramp.insights import charts

    if built.empty:
        return []
    from nightcramp.sharing.report import stats_weeks_of

    weeks = stats_weeks_of(built)
    weekly = charts.weekly_cramps(weeks)
    return [weekly, charts.severity(weeks)] if weekly.drawn else [weekly]  # one sentence says it for both


def today_of(user: Any) -> date:
    return services.profile_of(user).local_now().date()


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


# --- the doctor report -----------------------------------------------------------------------------

def _period(request: PersonRequest) -> tuple[PeriodForm, date | None, date | None]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return form, None, None


@person
@require_GET
def report(request: PersonRequest) -> HttpResponse:
    """The doctor report as a page, for a chosen period, with the PDF a click away."""
    form, start, end = _period(request)
    status = 400 if form.is_bound and not form.is_valid() else 200
    built = build_report(request.user, start, end, today=today_of(request.user))
    query = request.GET.urlencode() if status == 200 else ""
    return render(request, "sharing/report.html", {
        "nav": "account", "form": form, "report": built, "pdf_query": query,
        "report_charts": report_charts(built),
    }, status=status)


@person
@require_GET
@never_cache
def report_pdf(request: PersonRequest) -> HttpResponse:
    form, start, end = _period(request)
    if form.is_bound and not form.is_valid():
        return report(request)  # the page, with the form's errors (400)
    built = build_report(request.user, start, end, today=today_of(request.user))
    return attachment(render_pdf(built), "application/pdf", report_filename(built))


def report_filename(built: Report) -> str:
    return f"nightcramp-report-{built.period_start.isoformat()}-to-{built.period_end.isoformat()}.pdf"


# --- share links -------------------------------------------------------------------------------------

@person
@GET_OR_POST
def sharing(request: PersonRequest) -> HttpResponse:
    """The person's share links (open ones first) and the form for a new one. A new link's address is
    shown once, on the page that answers the form: only its hash is kept."""
    today = today_of(request.user)
    form = ShareForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link, secret = ShareLink.issue(request.user, start=data["start"], end=data["end"],
                                           days=data["days"], label=data["label"],
                                           include_notes=data["include_notes"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            address = request.build_absolute_uri(reverse("shared", args=[secret]))
            return render(request, "sharing/share_created.html",
                          {"nav": "account", "link": link, "address": address})
    now = timezone.now()
    links = list(ShareLink.objects.filter(user=request.user))
    return render(request, "sharing/sharing.html", {
        "nav": "account", "form": form, "now": now,
        "open_links": [link for link in links if link.status(now) == "open"],
        "ended_links": [link for link in links if link.status(now) != "open"],
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@person
@require_POST
def share_withdraw(request: PersonRequest, pk: Any) -> HttpResponse:
    link = owned(ShareLink, request, pk=pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        messages.success(request, f"The link {link.hint}… was withdrawn: it opens nothing now.")
    return redirect("sharing")


@person
@require_POST
def share_forget(request: PersonRequest, pk: Any) -> HttpResponse:
    """Remove an ended (expired or withdrawn) link from the list."""
    link = owned(ShareLink, request, pk=pk)
    if link.status() == "open":
        messages.error(request, "Withdraw the link first.")
    else:
        link.delete()
        messages.success(request, "The ended link was removed from the list.")
    return redirect("sharing")


def _private(response: HttpResponse) -> HttpResponse:
    """What a share link answers is never cached, indexed or sent on as a referrer."""
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "sharing/shared_gone.html", status=404))


def _opened(token: str) -> tuple[ShareLink, Report] | None:
    """The open link of ``token`` (counted as opened) and the report of its period, or None."""
    link = ShareLink.opened(token)
    if link is None:
        return None
    return link, build_report(link.user, link.start, link.end, today=today_of(link.user))


@public
@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """What a share link opens: the report and the nights of the shared period, read-only, and nothing
    else. An unknown, expired or withdrawn link answers the same 404 page."""
    opened = _opened(token)
    if opened is None:
        return _gone(request)
    link, built = opened
    owner = link.user
    nights = services.nights_with_episodes(owner).filter(date__range=(link.start, link.end)).order_by("-date")
    page = Paginator(nights, SHARED_NIGHTS_PER_PAGE).get_page(request.GET.get("page"))
    return _private(render(request, "sharing/shared.html", {
        "link": link, "report": built, "page": page, "token": token, "report_charts": report_charts(built),
        "profile": services.profile_of(owner),
    }))


@public
@require_GET
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    opened = _opened(token)
    if opened is None:
        return _gone(request)
    _, built = opened
    response = HttpResponse(render_pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report_filename(built)}"'
    return _private(response)


# --- backup, restore, FHIR, deletion ----------------------------------------------------------------

@person
@require_GET
def backup_download(request: PersonRequest) -> HttpResponse:
    from nightcramp.sharing import backup

    data = backup.export_backup(request.user)
    return attachment(backup.dumps(data), "application/json",
                      f"nightcramp-backup-{today_of(request.user).isoformat()}.json")


@person
@require_GET
def fhir_download(request: PersonRequest) -> HttpResponse:
    from nightcramp.sharing import fhir

    bundle = fhir.bundle(request.user)
    return attachment(fhir.dumps(bundle), "application/fhir+json",
                      f"nightcramp-fhir-{today_of(request.user).isoformat()}.json")


@person
@GET_OR_POST
def restore(request: PersonRequest) -> HttpResponse:
    """Bring a full backup into this account, all or nothing; only into an account with no diary yet."""
    from nightcramp.sharing import backup

    form = RestoreForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["backup"]
        if upload.size is not None and upload.size > MAX_BACKUP_BYTES:
            problems = [f"{upload.name}: is larger than {MAX_BACKUP_BYTES // (1024 * 1024)} MB"]
        else:
            try:
                summary = backup.restore_backup(request.user, upload.read())
            except backup.BackupError as error:
                problems = [f"{upload.name}: {problem}" for problem in error.problems]
            else:
                messages.success(request, summary.describe())
                return redirect("account")
    status = 400 if request.method == "POST" else 200
    return render(request, "sharing/restore.html", {"nav": "account", "form": form, "problems": problems},
                  status=status)


@person
@GET_OR_POST
def account_delete(request: PersonRequest) -> HttpResponse:
    """Delete the account and every row that belonged to it, after the password and a tick."""
    from nightcramp.sharing.backup import delete_account

    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = User.objects.get(pk=request.user.pk)  # the row itself, not the request's lazy wrapper
        logout(request)
        delete_account(user)
        return render(request, "sharing/account_deleted.html", {})
    return render(request, "sharing/account_delete.html", {"nav": "account", "form": form},
                  status=400 if form.is_bound else 200)


