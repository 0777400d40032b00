"""The Django admin, with no door of its own.

Its sign-in page never checks a password: a visitor who is not signed in is sent to allauth's
sign-in (rate limits, lockout, second factor) and comes back; anyone else it does not admit gets
a 404. It admits only active staff users (`is_staff`) who have TOTP (the admin opens every
clinic's health records: the staff rule of accounts.second_factor, for every admin user) and whose
session was signed in through allauth with their second factor. One signed in through allauth
without TOTP is sent to enrol it; one who enrolled after signing in confirms a code first.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.second_factor import has_totp


def signed_in_through_allauth(request: HttpRequest) -> bool:
    """True when this session's user signed in through allauth's flow, with the second factor
    when they have one (force_login or another backend leaves no such record)."""
    user = request.user
    records = get_authentication_records(request, user)
    if not records:
        return False
    if is_mfa_enabled(user):
        return any(record.get("method") == "mfa" for record in records)
    return True


class DoorAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and has_totp(user)
            and signed_in_through_allauth(request)
        )

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        next_url = request.GET.get("next") or self.index_url()
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if user.is_active and user.is_staff and get_authentication_records(request, user):
            if not has_totp(user):
                return redirect("mfa_activate_totp")
            if not signed_in_through_allauth(request):  # enrolled after signing in
                return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
        raise Http404  # signed in, but not admitted: nothing here for them

    def index_url(self) -> str:
        return reverse("admin:index", current_app=self.name)
