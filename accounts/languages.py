"""Whose language: the one rule for which language a person's pages and messages are in.

A person's own choice (User.language) comes first; a person who never chose (blank) follows
their clinic's default (Organization.default_language); with no clinic, the site's default.
People without an account (a supporter's contact row, a person in recovery's record) have their
rule beside their model (SupportContact.message_language, Patient.message_language), built on
these two functions.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation

from accounts.models import Membership, Organization, User

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def known(code: str | None) -> str | None:
    """`code` when the product speaks it ("es-MX" counts as "es"), else None."""
    if not code:
        return None
    code = code.lower().split("-")[0].split("_")[0]
    return code if code in LANGUAGE_CODES else None


def language_names() -> list[tuple[str, str]]:
    """Each language in its own words ("Español"), so a person finds theirs whatever language
    the page is in."""
    return [
        (code, translation.get_language_info(code)["name_local"].capitalize())
        for code, _name in settings.LANGUAGES
    ]


def clinic_language(clinic: Organization | None) -> str:
    """The clinic's default language; the site's default without a clinic."""
    if clinic is not None:
        chosen = known(clinic.default_language)
        if chosen:
            return chosen
    return settings.LANGUAGE_CODE


def language_for(user: User | None, clinic: Organization | None = None) -> str:
    """The language of this person's pages and messages: their own choice, else `clinic`'s
    default (when None, the clinic of their first membership: one query), else the site's."""
    if user is not None:
        chosen = known(user.language)
        if chosen:
            return chosen
        if clinic is None and user.pk is not None:
            membership = (
                Membership.objects.active()
                .filter(user=user)
                .select_related("organization")
                .order_by("pk")
                .first()
            )
            clinic = membership.organization if membership else None
    return clinic_language(clinic)


def choice_on_page(request: HttpRequest) -> str | None:
    """The language a visitor chose with the switch on a page (Django's language cookie), if
    any: what an accepted invitation saves as the new account's language."""
    return known(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def page_for_recipient(request: HttpRequest, language: str | None) -> None:
    """A signed link's page (an invitation, a one-action link) speaks the language its message
    was sent in, unless the visitor chose another with the switch (the cookie) or is signed in
    (then their own, set by ClinicMiddleware). Call before rendering; LocaleMiddleware writes
    Content-Language from it."""
    language = known(language)
    if language is None or request.user.is_authenticated or choice_on_page(request):
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language


@receiver(user_logged_in, dispatch_uid="accounts_language_from_the_sign_in_page")
def _keep_the_sign_in_pages_language(
    sender: type, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """Español chosen with the sign-in page's switch stays after signing in: a person who never
    chose a language of their own keeps the one they picked there."""
    if request is None or user.language:
        return
    chosen = choice_on_page(request)
    if chosen:
        user.language = chosen
        user.save(update_fields=["language"])
