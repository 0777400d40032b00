from django.http import HttpRequest

from accounts.access import home_url_name
from accounts.navigation import nav_for


def clinic(request: HttpRequest) -> dict[str, object]:
    membership = getattr(request, "membership", None)
    return {
        "current_membership": membership,
        "current_clinic": getattr(request, "clinic", None),
        "clinic_memberships": getattr(request, "memberships", []),
        "nav_items": nav_for(membership.role, request.path) if membership else [],
        "home_url_name": home_url_name(membership),
    }
