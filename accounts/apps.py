from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and clinics")

    def ready(self) -> None:
        # Connect the receivers: sign-ins written to the audit trail; lockout; sessions and
        # tokens ending on sign-out; the sign-in page's language kept after signing in.
        from accounts import languages, lockout, sessions, signin_audit  # noqa: F401
