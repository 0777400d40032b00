"""The one-action link page: GET shows what the link will do, POST does it once."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from accounts.languages import page_for_recipient
from audit.models import Action
from audit.services import audit_record
from engagement.links import HANDLERS, LinkProblem, check_link, use

PROBLEM_STATUS = {"tampered": 400, "unknown": 404, "used": 410, "expired": 410, "not_shared": 410}


def link_problem(request: HttpRequest, problem: LinkProblem) -> HttpResponse:
    if problem.link is not None:  # why it does nothing, in the language of its message
        page_for_recipient(request, problem.link.contact.message_language)
    return render(
        request,
        "engagement/link_problem.html",
        {"reason": problem.code},
        status=PROBLEM_STATUS.get(problem.code, 400),
    )


@never_cache
@csrf_protect
def act(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = check_link(token)
    except LinkProblem as problem:
        return link_problem(request, problem)
    page_for_recipient(request, link.contact.message_language)  # the language of its message
    handler = HANDLERS[link.action]
    form = handler.form(request.POST or None) if handler.form else None
    context = {
        "link": link,
        "handler": handler,
        "form": form,
        "first_name": link.patient.first_name,
        "description": handler.describe(link) if handler.describe else "",
    }
    if request.method == "GET":  # the supporter sees what the person shares: "who saw" lists it
        contact = link.contact
        audit_record(
            action=Action.VIEW,
            request=request,
            actor=contact.user,
            clinic=link.patient.clinic,
            target=contact,
            patient=link.patient,
            details={"contact": contact.pk, "via": "link", "link": link.action},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            context["done"] = use(link, request, form.cleaned_data if form else {})
        except LinkProblem as problem:
            return link_problem(request, problem)
        except ValidationError as error:
            context["errors"] = error.messages
    return render(request, "engagement/act.html", context)
