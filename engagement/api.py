"""REST API of engagement's features, mounted under /api/v1/: the help button, celebration
messages, digest settings and the escalation ladder. Each view opens what it touches by the
page's own rule and calls the page's service (engagement/services.py), which audits the write.

- me/...: the person in recovery's own (their help button and requests, their digest choice);
  404 for every other role.
- patients/{patient_id}/...: the person themself and the staff who may open the chart (coping
  access: care team and emergency access write, clinic admins read and get 403 on a write);
  the ladder and "I'm on it" on a chart are the care team's (clinic staff only, 404 otherwise).
- supporter/patients/{patient_id}/...: a supporter's own actions for the person they support,
  through their contact row and the consent in force (404 without it, as on the portal).
- clinic/ladder-policy/: the clinic's ladder, for its admins.

The one-action links of emails (`engagement:act`) have no twin: a signed, single-use link for
someone who is not signed in; an API caller uses the endpoints here.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ClinicApiView, service_errors
from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_record
from coping.access import CopingAccess, own_patient_record
from coping.api import CopingPatientView
from engagement import celebrations, services
from engagement.access import can_review, celebration_to_review, open_ask_for_supporter
from engagement.digests import engagement_of, subscription_of
from engagement.help import OPEN_FOR, askable_supporters, channel_summary, help_refused
from engagement.ladder import chosen_contact, policy_of
from engagement.models import (
    CelebrationMessage,
    CelebrationStatus,
    HelpAcknowledgement,
    HelpRequest,
    LadderStep,
)
from engagement.models import HelpRequestRecipient as Asked
from engagement.selectors import (
    crisis_plan_for,
    ladder_candidates,
    ladder_for_chart,
    own_messages,
    recent_request,
)
from engagement.serializers import (
    CONTACTS_CONTEXT_KEY,
    CelebrationFilterSet,
    CelebrationReviewSerializer,
    CelebrationSerializer,
    CelebrationWriteSerializer,
    DigestModeSerializer,
    DigestSubscriptionSerializer,
    HelpAskableSerializer,
    HelpOnItSerializer,
    HelpRequestCreateSerializer,
    HelpRequestFilterSet,
    HelpRequestSentSerializer,
    HelpRequestSerializer,
    LadderContactSerializer,
    LadderContactStateSerializer,
    LadderPolicySerializer,
    LadderSerializer,
    LadderStepSerializer,
    OwnCelebrationSerializer,
    WritableMilestoneSerializer,
)
from networks.consent import consented_scopes
from networks.models import ContactStatus, Scope, SupportContact
from networks.selectors import contact_for_supporter
from patients.api import ChartApiView
from patients.models import Patient

NOT_A_REVIEWER = _("Only the person in recovery and their care team review celebration messages.")


def with_status(requests: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    """Help requests with who was asked and who is on it: three queries for any page."""
    return requests.prefetch_related(
        Prefetch(
            "recipients", queryset=Asked.objects.select_related("contact").order_by("contact__name")
        ),
        Prefetch(
            "acknowledgements",
            queryset=HelpAcknowledgement.objects.filter(user__isnull=False).select_related("user"),
            to_attr="team_acks",
        ),
    )


def audit_read(request: Request, patient: Patient, target: object, api: str) -> None:
    audit_record(
        action=Action.VIEW,
        request=request,
        clinic=patient.clinic,
        target=target,
        patient=patient,
        details={"api": api},
    )


class ContactChoices:
    """A view whose body may name support contacts: only `allowed_contacts` (set by the view
    before parsing) are found; any other id reads like one that does not exist."""

    allowed_contacts: list[SupportContact] = []

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        context[CONTACTS_CONTEXT_KEY] = self.allowed_contacts
        return context


class PersonApiView(ContactChoices, ClinicApiView):
    """The signed-in person in recovery's own record in the clinic the request acts in; 404 for
    every other role."""

    def own_patient(self) -> Patient:
        return own_patient_record(self.membership())


class SupporterApiView(ClinicApiView):
    """A supporter's own actions: their contact row for the person of the URL in this clinic
    (networks.selectors.contact_for_supporter); 404 for anyone else."""

    def contact(self, patient_id: object) -> SupportContact:
        membership = self.membership()
        if membership is None or membership.role != Role.SUPPORTER:
            raise NotFound
        contact = contact_for_supporter(self.request.user, membership.organization, patient_id)
        contact.user = self.request.user  # the same account (the selector filters on it)
        contact.patient.clinic = membership.organization
        return contact


# --- The help button: the person's own -------------------------------------------------------


class HelpPageView(PersonApiView):
    """What the help page shows before the person asks: their crisis plan (988 and the
    emergency number first), the supporters who can be asked (with how the ask reaches them,
    and whether they turned these messages off) and the request a press now would reuse."""

    @extend_schema(
        responses=inline_serializer(
            "HelpPage",
            {
                "crisis_plan": serializers.DictField(),
                "askable": HelpAskableSerializer(many=True),
                "recent_request": serializers.IntegerField(allow_null=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        patient = self.own_patient()
        supporters = askable_supporters(patient)
        refused = help_refused(patient, supporters)
        recent = recent_request(patient)
        audit_read(request, patient, patient, "my_help")
        return Response(
            {
                "crisis_plan": crisis_plan_for(patient),
                "askable": HelpAskableSerializer(
                    [
                        {
                            "id": contact.pk,
                            "name": contact.name,
                            "how": channel_summary(contact),
                            "refused": contact.pk in refused,
                        }
                        for contact in supporters
                    ],
                    many=True,
                ).data,
                "recent_request": recent.pk if recent else None,
            }
        )


class MyHelpRequestListView(PersonApiView):
    """The person's help requests, newest first, each with who was asked and who is on it.
    POST is the help button: the chosen supporters are asked and the care team is alerted
    (with nobody chosen, the care team only). A second press within minutes reuses the open
    request: only people not asked yet are messaged (200 with `reused`)."""

    serializer_class = HelpRequestSerializer
    filterset_class = HelpRequestFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=HelpRequestSerializer(many=True))
    def get(self, request: Request) -> Response:
        patient = self.own_patient()
        rows = with_status(self.filtered(patient.help_requests.all()))
        response = self.paginated(rows)
        audit_read(request, patient, patient, "my_help_requests")
        return response

    @extend_schema(
        request=HelpRequestCreateSerializer,
        responses={
            201: OpenApiResponse(HelpRequestSentSerializer, description=_("A new request.")),
            200: OpenApiResponse(
                HelpRequestSentSerializer, description=_("The open request, reused.")
            ),
        },
    )
    def post(self, request: Request) -> Response:
        patient = self.own_patient()
        supporters = askable_supporters(patient)
        self.allowed_contacts = supporters
        fields = self.parse(HelpRequestCreateSerializer, request.data)
        with service_errors():
            sent = services.help_request_send(
                patient=patient, contacts=fields["contacts"], actor=request.user, request=request
            )
        shown = with_status(HelpRequest.objects.filter(pk=sent.pk)).get()
        shown.reused, shown.newly_asked = sent.reused, sent.newly_asked
        return Response(
            HelpRequestSentSerializer(shown).data,
            status=status.HTTP_200_OK if sent.reused else status.HTTP_201_CREATED,
        )


class MyHelpRequestDetailView(PersonApiView):
    """One of the person's help requests: who was asked and who is on it."""

    serializer_class = HelpRequestSerializer

    @extend_schema(responses=HelpRequestSerializer)
    def get(self, request: Request, request_id: int) -> Response:
        patient = self.own_patient()
        help_request = get_object_or_404(with_status(patient.help_requests.all()), pk=request_id)
        audit_read(request, patient, help_request, "my_help_status")
        return Response(HelpRequestSerializer(help_request).data)


# --- The help button: the chart and the supporter ---------------------------------------------


class PatientHelpRequestListView(CopingPatientView):
    """The patient's help requests, newest first, with who was asked and who is on it: the
    person themself and the staff who may open the chart."""

    serializer_class = HelpRequestSerializer
    filterset_class = HelpRequestFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=HelpRequestSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        rows = with_status(self.filtered(patient.help_requests.all()))
        response = self.paginated(rows)
        self.audit_view(patient, "help-requests")
        return response


class StaffOnItView(ChartApiView):
    """The chart's "I'm on it": the care team (and a clinician with emergency access); the
    person sees it, and an open help alert is acknowledged. Saying it twice changes nothing
    (200, `is_new` false). Clinic admins read the chart only (403)."""

    @extend_schema(
        request=None,
        responses={
            201: OpenApiResponse(HelpOnItSerializer, description=_("Recorded.")),
            200: OpenApiResponse(HelpOnItSerializer, description=_("Already on it.")),
        },
    )
    def post(self, request: Request, patient_id: int, request_id: int) -> Response:
        self.staff_membership()
        patient = self.editable_patient(patient_id)
        help_request = get_object_or_404(
            HelpRequest.objects.select_related("alert", "patient__clinic"),
            patient=patient,
            pk=request_id,
        )
        with service_errors():
            ack = services.help_acknowledge(
                help_request=help_request, user=request.user, request=request
            )
        return Response(
            HelpOnItSerializer(ack).data,
            status=status.HTTP_201_CREATED if ack.is_new else status.HTTP_200_OK,
        )


class SupporterOnItView(SupporterApiView):
    """The supporter's "I'm on it" for an open request that asked them, while the coping plan
    is shared with them (a 400 saying why otherwise). Saying it twice changes nothing."""

    @extend_schema(
        request=None,
        responses={
            201: OpenApiResponse(HelpOnItSerializer, description=_("Recorded.")),
            200: OpenApiResponse(HelpOnItSerializer, description=_("Already on it.")),
        },
    )
    def post(self, request: Request, patient_id: int, request_id: int) -> Response:
        contact = self.contact(patient_id)
        asked = open_ask_for_supporter(contact, request_id, OPEN_FOR)
        with service_errors():
            ack = services.help_acknowledge(
                help_request=asked.request, contact=contact, request=request
            )
        return Response(
            HelpOnItSerializer(ack).data,
            status=status.HTTP_201_CREATED if ack.is_new else status.HTTP_200_OK,
        )


# --- Celebrations -----------------------------------------------------------------------------


class CelebrationListView(CopingPatientView):
    """Messages supporters wrote for the person's milestones (a supporter removed from the
    network is left out), by milestone day: for the person and the staff who may open the
    chart. `status=approved` with a milestone's key and day is its card."""

    serializer_class = CelebrationSerializer
    filterset_class = CelebrationFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=CelebrationSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        rows = (
            CelebrationMessage.objects.filter(patient=patient)
            .exclude(contact__status=ContactStatus.REMOVED)
            .select_related("contact")
            .order_by("milestone_date", "created_at", "id")
        )
        response = self.paginated(self.filtered(rows))
        self.audit_view(patient, "celebrations")
        return response


class CelebrationReviewView(CopingPatientView):
    """Approve or decline a message, sending back the `seen` fingerprint of the words read:
    if the supporter changed them meanwhile, nothing happens (400). The person and their care
    team review; a clinic admin or emergency access only reads (403)."""

    @extend_schema(request=CelebrationReviewSerializer, responses=CelebrationSerializer)
    def post(self, request: Request, patient_id: int, celebration_id: int) -> Response:
        patient = self.open_patient(patient_id)
        access = CopingAccess(self.membership(), patient)
        if not can_review(access):
            raise PermissionDenied(NOT_A_REVIEWER)
        celebration = celebration_to_review(access, patient, celebration_id)
        fields = self.parse(CelebrationReviewSerializer, request.data)
        with service_errors():
            reviewed = services.celebration_review(
                celebration=celebration,
                actor=request.user,
                approve=fields["decision"] == "approve",
                seen=fields["seen"],
                request=request,
            )
        reviewed = CelebrationMessage.objects.select_related("contact").get(pk=reviewed.pk)
        return Response(CelebrationSerializer(reviewed).data)


class SupporterCelebrationView(SupporterApiView):
    """A supporter's own celebration messages for the person, while milestones are shared
    with them (404 otherwise). POST writes one for a milestone open for messages, or rewrites
    it while it waits for review (200)."""

    serializer_class = OwnCelebrationSerializer
    filterset_class = CelebrationFilterSet
    paginated_methods = ("GET",)

    def shared_contact(self, patient_id: object) -> SupportContact:
        contact = self.contact(patient_id)
        if Scope.MILESTONES not in consented_scopes(contact):
            raise NotFound
        return contact

    @extend_schema(responses=OwnCelebrationSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        contact = self.shared_contact(patient_id)
        rows = CelebrationMessage.objects.filter(contact=contact).order_by("milestone_date", "id")
        response = self.paginated(self.filtered(rows))
        audit_read(request, contact.patient, contact, "supporter_celebrations")
        return response

    @extend_schema(
        request=CelebrationWriteSerializer,
        responses={
            201: OpenApiResponse(OwnCelebrationSerializer, description=_("Written.")),
            200: OpenApiResponse(OwnCelebrationSerializer, description=_("Rewritten.")),
        },
    )
    def post(self, request: Request, patient_id: int) -> Response:
        contact = self.shared_contact(patient_id)
        fields = self.parse(CelebrationWriteSerializer, request.data)
        existed = CelebrationMessage.objects.filter(
            contact=contact,
            milestone_key=fields["milestone_key"],
            milestone_date=fields["milestone_date"],
        ).exists()
        with service_errors():
            written = services.celebration_write(
                contact=contact,
                key=fields["milestone_key"],
                day=fields["milestone_date"],
                message=fields["message"],
                request=request,
            )
        return Response(
            OwnCelebrationSerializer(written).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class SupporterMilestoneView(SupporterApiView):
    """The person's milestones open for messages now (from today to 30 days ahead), each with
    the supporter's own message if they wrote one; 404 without the milestones consent."""

    @extend_schema(
        responses=inline_serializer(
            "CelebrationMilestones", {"milestones": WritableMilestoneSerializer(many=True)}
        )
    )
    def get(self, request: Request, patient_id: int) -> Response:
        contact = self.contact(patient_id)
        if Scope.MILESTONES not in consented_scopes(contact):
            raise NotFound
        milestones = celebrations.writable_milestones(contact.patient)
        mine = own_messages(contact, milestones)
        rows = []
        for milestone in milestones:
            message = mine.get((milestone.key, milestone.date))
            rows.append(
                {
                    "key": milestone.key,
                    "label": milestone.label,
                    "date": milestone.date,
                    "message": message,
                    "editable": message is None or message.status == CelebrationStatus.PENDING,
                }
            )
        audit_read(request, contact.patient, contact, "celebration_write")
        return Response({"milestones": WritableMilestoneSerializer(rows, many=True).data})


# --- Digests ----------------------------------------------------------------------------------


class SupporterDigestView(SupporterApiView):
    """The supporter's weekly digest about this person: on or off, and the day and time in
    their own zone."""

    def state(self, contact: SupportContact) -> dict[str, Any]:
        subscription = subscription_of(contact)
        return DigestSubscriptionSerializer(
            {
                "enabled": subscription.enabled,
                "weekday": subscription.weekday,
                "send_time": subscription.send_time,
                "time_zone": contact.zone.key,
                "digest_mode": engagement_of(contact.patient).digest_mode,
            }
        ).data

    @extend_schema(responses=DigestSubscriptionSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        contact = self.contact(patient_id)
        audit_read(request, contact.patient, contact, "supporter_digest")
        return Response(self.state(contact))

    @extend_schema(request=DigestSubscriptionSerializer, responses=DigestSubscriptionSerializer)
    def put(self, request: Request, patient_id: int) -> Response:
        contact = self.contact(patient_id)
        fields = self.parse(DigestSubscriptionSerializer, request.data)
        with service_errors():
            services.digest_subscription_save(contact=contact, request=request, **fields)
        contact = SupportContact.objects.select_related("patient__clinic", "user").get(
            pk=contact.pk
        )
        return Response(self.state(contact))


class MyDigestsView(PersonApiView):
    """What the person's supporters' weekly digests hold: everything they agreed to share,
    a short summary, or nothing for now."""

    @extend_schema(responses=DigestModeSerializer)
    def get(self, request: Request) -> Response:
        patient = self.own_patient()
        audit_read(request, patient, patient, "my_digests")
        return Response({"digest_mode": engagement_of(patient).digest_mode})

    @extend_schema(request=DigestModeSerializer, responses=DigestModeSerializer)
    def put(self, request: Request) -> Response:
        patient = self.own_patient()
        fields = self.parse(DigestModeSerializer, request.data)
        with service_errors():
            engagement = services.digest_mode_set(
                patient=patient, mode=fields["digest_mode"], request=request
            )
        return Response({"digest_mode": engagement.digest_mode})


# --- The escalation ladder --------------------------------------------------------------------


class LadderView(ChartApiView):
    """The person's latest ladder of missed check-ins (the open one, else the last closed),
    its steps and who acted on each, and after how many days each step is taken."""

    @extend_schema(responses=LadderSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        self.staff_membership()
        patient = self.open_patient(patient_id)
        view = ladder_for_chart(patient)
        return Response(
            LadderSerializer(
                {
                    "ladder": view.ladder,
                    "is_open": view.is_open,
                    "days": view.days,
                    "steps": view.steps,
                }
            ).data
        )


class LadderStepActView(ChartApiView):
    """A member of the care team reached out: recorded on the step (the first one counts;
    `first` says whether this was it). Only on an open ladder (400 otherwise); clinic admins
    read the chart only (403)."""

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "LadderStepAct", {"step": LadderStepSerializer(), "first": serializers.BooleanField()}
        ),
    )
    def post(self, request: Request, patient_id: int, step_id: int) -> Response:
        self.staff_membership()
        patient = self.editable_patient(patient_id)
        step = get_object_or_404(
            LadderStep.objects.select_related("ladder__patient__clinic").filter(
                ladder__patient=patient
            ),
            pk=step_id,
        )
        with service_errors():
            first = services.staff_step_act(step=step, user=request.user, request=request)
        return Response({"step": LadderStepSerializer(step).data, "first": first})


class LadderContactView(ContactChoices, CopingPatientView):
    """Who may be asked to reach out if the person goes quiet: one of `candidates` (people
    who can see their check-in summaries), or nobody. The person chooses; the care team may
    record their choice; clinic admins read (403 on a write)."""

    def state(self, patient: Patient) -> dict[str, Any]:
        candidates = ladder_candidates(patient)
        current = chosen_contact(patient)
        return LadderContactStateSerializer(
            {
                "contact": current.pk if current else None,
                "contact_name": current.name if current else None,
                "unavailable": current is not None and current not in candidates,
                "candidates": [{"id": c.pk, "name": c.name} for c in candidates],
            }
        ).data

    @extend_schema(responses=LadderContactStateSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        self.audit_view(patient, "reach-out-person")
        return Response(self.state(patient))

    @extend_schema(request=LadderContactSerializer, responses=LadderContactStateSerializer)
    def put(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        self.allowed_contacts = ladder_candidates(patient)
        fields = self.parse(LadderContactSerializer, request.data)
        with service_errors():
            services.ladder_contact_set(
                patient=patient,
                contact=fields["contact"],
                actor=request.user,
                request=request,
            )
        patient = Patient.objects.select_related("clinic", "engagement__ladder_contact").get(
            pk=patient.pk
        )
        return Response(self.state(patient))


class LadderPolicyView(ClinicApiView):
    """The clinic's escalation ladder: after how many days without a check-in a chosen
    supporter is asked to reach out, then the primary clinician gets a task. The days climb
    after the clinic's first nudge (`first_nudge_after_days`). Clinic admins only."""

    def admin(self) -> Membership:
        membership = self.membership()
        if membership is None or membership.role != Role.ADMIN:
            raise NotFound
        return membership

    @extend_schema(responses=LadderPolicySerializer)
    def get(self, request: Request) -> Response:
        clinic = self.admin().organization
        return Response(LadderPolicySerializer(policy_of(clinic)).data)

    @extend_schema(request=LadderPolicySerializer, responses=LadderPolicySerializer)
    def put(self, request: Request) -> Response:
        clinic = self.admin().organization
        fields = self.parse(LadderPolicySerializer, request.data)
        with service_errors():
            policy = services.policy_save(
                clinic=clinic, actor=request.user, request=request, **fields
            )
        return Response(LadderPolicySerializer(policy).data)
