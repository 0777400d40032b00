from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.access import SESSION_KEY, home_url_name, membership_in
from accounts.languages import known
from accounts.services import language_set
from audit.models import Action
from audit.services import audit_record


def home(request: HttpRequest) -> HttpResponse:
    """The front door: signed-in people land on their role's home, everyone else signs in."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    return redirect(home_url_name(request.membership))


@login_required
def no_clinic(request: HttpRequest) -> HttpResponse:
    if request.membership is not None:
        return redirect(home_url_name(request.membership))
    return render(request, "accounts/no_clinic.html")


@login_required
def clinic_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/clinic_list.html")


@login_required
def clinic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_in(request.user, slug)
    return render(request, "accounts/clinic_detail.html", {"membership": membership})


@login_required
@require_POST
def clinic_switch(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_in(request.user, slug)
    request.session[SESSION_KEY] = membership.organization_id
    audit_record(action=Action.CLINIC_SWITCH, request=request, clinic=membership.organization)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(home_url_name(membership))


def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie an anonymous visitor's pages follow), and for a
    signed-in person also their own language, since their pages follow that rather than the
    cookie."""
    response = set_language(request)
    chosen = known(request.POST.get("language")) if request.method == "POST" else None
    if chosen and request.user.is_authenticated:
        language_set(user=request.user, language=chosen)
    return response
