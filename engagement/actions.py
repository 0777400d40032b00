"""The one-action links' handlers, every feature's: claim a help task, send encouragement, "I'm
on it" (the help button), "I reached out" (the ladder), a message for the day (the celebration
kit). Each parses the link and calls one service; `register_shared_actions` registers them all
with engagement.links at start-up."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import weekday
from engagement.forms import CelebrationForm, EncouragementForm
from engagement.help import HELP_SCOPE
from engagement.ladder import LADDER_SCOPE
from engagement.links import ANY_SCOPE, Handler, register
from engagement.models import ActionLink, HelpRequest, LadderStep, LinkAction, Rung
from engagement.services import celebration_write, help_acknowledge, ladder_step_act
from networks.models import HelpTask, ReachOutChannel, Scope
from networks.services import encouragement_send, help_task_claim, reach_out_log


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
    help_task_claim(task=task, contact=link.contact, request=request)
    return _("It is yours. Thank you for helping with “%(title)s”.") % {"title": task.title}


def _encourage(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    encouragement_send(contact=link.contact, message=data["message"], request=request)
    return _("Sent. It will mean a lot.")


def _request_of(link: ActionLink) -> HelpRequest | None:
    return HelpRequest.objects.filter(pk=link.target.get("request"), patient=link.patient).first()


def _describe_help_request(link: ActionLink) -> str:
    name = link.patient.first_name
    step = link.contact.playbook_step.strip()
    if not step:
        return _("%(name)s asked for you. Reach out now, the way you usually do.") % {"name": name}
    return _("%(name)s asked for you. What they would like you to do: %(step)s") % {
        "name": name,
        "step": step,
    }


def _on_it(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    help_request = _request_of(link)
    if help_request is None:
        raise ValidationError(_("This request for help is no longer there."))
    help_acknowledge(help_request=help_request, contact=link.contact, request=request)
    return _("Thank you. %(name)s can see that you are on it.") % {"name": link.patient.first_name}


def _step_of(link: ActionLink) -> LadderStep | None:
    return (
        LadderStep.objects.select_related("ladder__patient__clinic")
        .filter(
            pk=link.target.get("step"),
            ladder__patient=link.patient,
            contact=link.contact,
            rung=Rung.SUPPORTER,
        )
        .first()
    )


def _reached_out(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    step = _step_of(link)
    if step is None:
        raise ValidationError(_("This is no longer there."))
    ladder_step_act(step=step, contact=link.contact, request=request)
    reach_out_log(
        contact=link.contact,
        channel=ReachOutChannel.MESSAGE,
        happened_on=link.patient.local_today(),
        request=request,
    )
    return _("Thank you for reaching out to %(name)s. Small moments like this matter.") % {
        "name": link.patient.first_name
    }


def _describe_reached_out(link: ActionLink) -> str:
    text = _(
        "Once you have been in touch with %(name)s (a message, a call or a visit), press "
        "the button to let us know."
    )
    return text % {"name": link.patient.first_name}


def _target(link: ActionLink) -> tuple[str, date] | None:
    try:
        return str(link.target["key"]), date.fromisoformat(str(link.target["date"]))
    except (KeyError, TypeError, ValueError):
        return None


def _celebrate(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    target = _target(link)
    if target is None:
        raise ValidationError(_("This link does not name a milestone."))
    celebration_write(
        contact=link.contact,
        key=target[0],
        day=target[1],
        message=data["message"],
        request=request,
        via_link=True,
    )
    return _("Thank you. %(name)s will see your message on the day.") % {
        "name": link.patient.first_name
    }


def _describe_celebration(link: ActionLink) -> str:
    target = _target(link)
    if target is None:
        return ""
    name = link.patient.first_name

    return _("For %(name)s's milestone on %(day)s.") % {
        "name": name,
        "day": weekday(target[1]),
    }


def register_shared_actions() -> None:
    """Every one-action link's handler: claim a task, encourage, "I'm on it" (the help button),
    "I reached out" (the ladder), a message for the day (the celebration kit)."""
    register(
        LinkAction.CLAIM_TASK,
        Handler(
            scope=Scope.HELP_TASKS,
            title=gettext_lazy("Claim this task"),
            button=gettext_lazy("Yes, I will do it"),
            perform=_claim,
            describe=_describe_task,
        ),
    )
    register(
        LinkAction.ENCOURAGE,
        Handler(
            scope=ANY_SCOPE,
            title=gettext_lazy("Send a few words of encouragement"),
            button=gettext_lazy("Send"),
            perform=_encourage,
            form=EncouragementForm,
        ),
    )
    register(
        LinkAction.ON_IT,
        Handler(
            scope=HELP_SCOPE,
            title=gettext_lazy("Let them know you are on it"),
            button=gettext_lazy("I'm on it"),
            perform=_on_it,
            describe=_describe_help_request,
        ),
    )
    register(
        LinkAction.REACHED_OUT,
        Handler(
            scope=LADDER_SCOPE,
            title=gettext_lazy("I reached out"),
            button=gettext_lazy("Yes, I reached out"),
            perform=_reached_out,
            describe=_describe_reached_out,
        ),
    )
    register(
        LinkAction.CELEBRATE,
        Handler(
            scope=Scope.MILESTONES,
            title=gettext_lazy("Write a message for the day"),
            button=gettext_lazy("Send my message"),
            perform=_celebrate,
            form=CelebrationForm,
            describe=_describe_celebration,
        ),
    )
