from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from nightcramp.accounts.forms import ProfileForm, SignupForm, TokenForm, zone_guesses
from nightcramp.accounts.models import ApiToken
from nightcramp.authz import PersonRequest, owned, person, public
from nightcramp.diary.models import Profile
from nightcramp.diary.services import profile_of, update_profile


@public
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("tonight")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            data = form.cleaned_data
            Profile.objects.create(
                user=user, display_name=data["display_name"], time_zone=data["time_zone"],
                hemisphere=data["hemisphere"], country=data["country"],
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(reverse("screening:questionnaire") + "?welcome=1")
    return render(request, "accounts/signup.html", {"form": form, "zone_guesses": zone_guesses()})


login_view = public(
    auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
)
logout_view = public(auth_views.LogoutView.as_view())
password_change = person(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html", success_url=reverse_lazy("password_change_done")
    )
)


@person
def password_change_done(request: PersonRequest) -> HttpResponse:
    messages.success(request, "Your password was changed.")
    return redirect("account")


@person
def account(request: PersonRequest) -> HttpResponse:
    profile = profile_of(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        update_profile(profile, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        messages.success(request, "Settings saved.")
        return redirect("account")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/account.html",
                  {"form": form, "tokens": tokens, "token_form": TokenForm(), "nav": "account"})


@person
@require_POST
def token_create(request: PersonRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return redirect("account")
    token, raw = ApiToken.issue(request.user, form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw, "nav": "account"})


@person
@require_POST
def token_delete(request: PersonRequest, pk: int) -> HttpResponse:
    owned(ApiToken, request, pk=pk).delete()
    messages.success(request, "The token was revoked.")
    return redirect("account")
