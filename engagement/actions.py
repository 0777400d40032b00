"""The one-action links every feature shares: claim a help task, send encouragement. (The help
button registers "I'm on it", the ladder "I reached out", the celebration kit its message.)"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engagement.links import ANY_SCOPE, Handler, register
from engagement.models import Action, ActionLink
from networks import services
from networks.models import Encouragement, HelpTask


def _task(link: ActionLink) -> HelpTask | None:
    return HelpTask.objects.filter(pk=link.target.get("task"), patient=link.patient).first()


def _describe_task(link: ActionLink) -> str:
    task = _task(link)
    if task is None:
        return ""
    if task.due_on:
        return _("%(title)s, by %(date)s") % {"title": task.title, "date": task.due_on}
    return task.title


def _claim(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    task = _task(link)
    if task is None:
        raise ValidationError(_("This task is no longer there."))
    services.help_task_claim(task=task, contact=link.contact, request=request)
    return _("It is yours. Thank you for helping with “%(title)s”.") % {"title": task.title}


class EncouragementForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=Encouragement.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("A few warm words. The care team can see it too."),
    )


def _encourage(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    services.encouragement_send(contact=link.contact, message=data["message"], request=request)
    return _("Sent. It will mean a lot.")


def register_shared_actions() -> None:
    register(
        Action.CLAIM_TASK,
        Handler(
            scope="help_tasks",
            title=gettext_lazy("Claim this task"),
            button=gettext_lazy("Yes, I will do it"),
            perform=_claim,
            describe=_describe_task,
        ),
    )
    register(
        Action.ENCOURAGE,
        Handler(
            scope=ANY_SCOPE,
            title=gettext_lazy("Send a few words of encouragement"),
            button=gettext_lazy("Send"),
            perform=_encourage,
            form=EncouragementForm,
        ),
    )
