from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from audit.models import Action
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _on_login(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    audit_record(action=Action.LOGIN, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _on_logout(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    if user is not None:
        audit_record(action=Action.LOGOUT, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(
    sender: object, credentials: dict, request: HttpRequest | None = None, **kwargs: object
) -> None:
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit_record(action=Action.LOGIN_FAILED, request=request, details={"email": attempted})
