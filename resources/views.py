"""Education articles and the community directory: read by everyone of the clinic, managed
by its admins; and the community resources attached to one person in recovery."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from coping.access import CopingAccess, patient_page
from patients.forms import apply_service_errors
from patients.models import Patient
from patients.selectors import chart_header
from patients.views import posted
from resources import access as resource_access
from resources import selectors, services
from resources.access import EVERYONE
from resources.forms import ArticleForm, AttachForm, CommunityResourceForm, DirectoryFilterForm
from resources.markdown import render_markdown
from resources.models import Audience, PatientResource

# --- Reading: everyone of the clinic -----------------------------------------------------------


@role_required(*EVERYONE)
def article_list(request: HttpRequest) -> HttpResponse:
    audience = request.GET.get("audience", "")
    if audience not in selectors.AUDIENCE_FILTERS:
        audience = ""
    return render(
        request,
        "resources/article_list.html",
        {
            "articles": selectors.published_articles(request.clinic, audience),
            "audience": audience,
            "audiences": [
                (Audience.FAMILIES, _("For families and supporters")),
                (Audience.PATIENTS, _("For people in recovery")),
            ],
        },
    )


@role_required(*EVERYONE)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = resource_access.article_for_reader(request.membership, slug)
    shown = article.shown  # the reader's language, or English marked as such
    return render(
        request,
        "resources/article_detail.html",
        {"article": article, "shown": shown, "body_html": render_markdown(shown.body)},
    )


@role_required(*EVERYONE)
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET)
    kind = query = ""
    if form.is_valid():
        kind, query = form.cleaned_data["kind"], form.cleaned_data["q"].strip()
    return render(
        request,
        "resources/directory.html",
        {
            "form": form,
            "resources": selectors.directory(request.clinic, kind=kind, query=query),
            "filtered": bool(kind or query),
        },
    )


# --- Management: clinic admins -----------------------------------------------------------------


@role_required(Role.ADMIN)
def article_manage(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "resources/article_manage.html",
        {"articles": selectors.articles_for_admin(request.clinic)},
    )


def _article_form(request: HttpRequest, article: Any = None) -> HttpResponse:
    form = ArticleForm(posted(request), instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.article_save(
                clinic=request.clinic,
                actor=request.user,
                values=form.cleaned_data,
                article=article,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": saved.title})
            return redirect("resources:article_manage")
    return render(request, "resources/article_form.html", {"form": form, "article": article})


@role_required(Role.ADMIN)
def article_create(request: HttpRequest) -> HttpResponse:
    return _article_form(request)


@role_required(Role.ADMIN)
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = resource_access.article_for_admin(request.membership, article_id)
    return _article_form(request, article)


@require_POST
@role_required(Role.ADMIN)
def article_publish(request: HttpRequest, article_id: int) -> HttpResponse:
    article = resource_access.article_for_admin(request.membership, article_id)
    published = request.POST.get("published") == "1"
    services.article_publish(
        article=article, actor=request.user, published=published, request=request
    )
    messages.success(
        request,
        (_("“%(title)s” is published.") if published else _("“%(title)s” is back to draft."))
        % {"title": article.title},
    )
    return redirect("resources:article_manage")


@role_required(Role.ADMIN)
def resource_manage(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "resources/resource_manage.html",
        {"resources": selectors.resources_for_admin(request.clinic)},
    )


def _resource_form(request: HttpRequest, resource: Any = None) -> HttpResponse:
    form = CommunityResourceForm(posted(request), instance=resource)
    if request.method == "POST" and form.is_valid():
        saved = services.resource_save(
            clinic=request.clinic,
            actor=request.user,
            values=form.cleaned_data,
            resource=resource,
            request=request,
        )
        messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
        return redirect("resources:resource_manage")
    return render(request, "resources/resource_form.html", {"form": form, "resource": resource})


@role_required(Role.ADMIN)
def resource_create(request: HttpRequest) -> HttpResponse:
    return _resource_form(request)


@role_required(Role.ADMIN)
def resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    return _resource_form(
        request, resource_access.resource_for_admin(request.membership, resource_id)
    )


@require_POST
@role_required(Role.ADMIN)
def resource_active(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = resource_access.resource_for_admin(request.membership, resource_id)
    active = request.POST.get("active") == "1"
    services.resource_set_active(
        resource=resource, actor=request.user, active=active, request=request
    )
    messages.success(
        request,
        (
            _("“%(name)s” is back in the directory.")
            if active
            else _("“%(name)s” is no longer listed.")
        )
        % {"name": resource.name},
    )
    return redirect("resources:resource_manage")


# --- One patient's resources: the patient and the care team edit, admins read -------------------


def _patient_render(
    request: HttpRequest, patient: Patient, access: CopingAccess, form: AttachForm | None
) -> HttpResponse:
    context: dict[str, Any] = {"patient": patient, "coping": access}
    if access.is_staff:
        context.update(
            chart_header(patient),
            access=access.chart,
            tab="resources",
            base_template="patients/_chart_base.html",
        )
    else:
        context.update(access=access, base_template="coping/_patient_base.html")
    if form is None and access.can_edit:
        form = AttachForm(patient=patient)
    context.update(links=selectors.patient_resources(patient), form=form, can_edit=access.can_edit)
    return render(request, "resources/patient_resources.html", context)


@patient_page()
def patient_resources(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    return _patient_render(request, patient, access, None)


@require_POST
@patient_page(write=True)
def patient_resource_attach(
    request: HttpRequest, patient: Patient, access: CopingAccess
) -> HttpResponse:
    form = AttachForm(request.POST, patient=patient)
    if form.is_valid():
        try:
            link = services.patient_resource_attach(
                patient=patient,
                resource=form.cleaned_data["resource"],
                actor=request.user,
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is added.") % {"name": link.resource.name})
            return redirect("resources:patient_resources", patient.pk)
    return _patient_render(request, patient, access, form)


@require_POST
@patient_page(write=True)
def patient_resource_detach(
    request: HttpRequest, patient: Patient, access: CopingAccess, link_id: int
) -> HttpResponse:
    link = get_object_or_404(
        PatientResource.objects.select_related("resource", "patient__clinic"),
        pk=link_id,
        patient=patient,
    )
    services.patient_resource_detach(link=link, actor=request.user, request=request)
    messages.success(request, _("“%(name)s” is removed.") % {"name": link.resource.name})
    return redirect("resources:patient_resources", patient.pk)
