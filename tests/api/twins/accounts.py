"""The home page, clinics, sessions, tokens and the doors that lead to an account."""

from tests.api.twins import Why

SIGN_IN_DOOR = Why(
    "A one-time link that leads a person to make their sign-in; an API caller already has one."
)

TWINS = {
    "home": ("api:me",),
    "healthz": Why("The load balancer's health check: it is already plain JSON for machines."),
    "set_language": Why(
        "The browser's language switch; an API client asks for a language with Accept-Language."
    ),
    "accounts:clinic_list": ("api:me",),
    "accounts:clinic_detail": ("api:me",),
    "accounts:clinic_switch": Why(
        "The browser remembers the chosen clinic; an API call names it with X-Clinic or ?clinic=."
    ),
    "accounts:no_clinic": Why(
        "A page that says the person belongs to no clinic yet; there is nothing to do on it."
    ),
    "accounts:session_status": Why(
        "The browser session's idle timer; an API token has its own expiry and no idle timer."
    ),
    "accounts:session_keep_alive": Why(
        "Keeps a browser session from timing out; an API token is not a session."
    ),
    "accounts:tokens": Why(
        "Tokens are made and revoked in a signed-in browser (with its second factor), so a "
        "stolen key cannot mint more keys."
    ),
    "accounts:token_revoke": Why(
        "Tokens are made and revoked in a signed-in browser (with its second factor), so a "
        "stolen key cannot keep itself alive."
    ),
    "joining:join": SIGN_IN_DOOR,
    "joining:checkin": Why(
        "A one-time emailed check-in link for a person without a sign-in; with one, the API's "
        "check-in endpoint is the twin."
    ),
    "joining:person": SIGN_IN_DOOR,
    "joining:supporter": SIGN_IN_DOOR,
    "joining:staff": SIGN_IN_DOOR,
}
