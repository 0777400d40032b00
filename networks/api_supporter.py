"""REST API of the supporter portal, mounted under /api/v1/supporter/patients/{patient_id}/: the
page of one person (the consented sections, from networks.selectors.supporter_view only), the
messages of encouragement the supporter sends, their reach-out log and their own monthly
wellbeing check-in. The claim, release and done of help tasks are in networks/api.py.

Only a supporter of that person in the current clinic reaches these (their own contact row,
networks.selectors.contact_for_supporter); everyone else gets 404. What is shared follows the
consent in force at this very request, as on the page: without any consent there is nothing to
read and nothing to send (a 400 saying so), while the supporter's own wellbeing is theirs."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import service_errors
from audit.models import Action
from audit.services import audit_record
from networks import selectors, services
from networks.api import NetworkView
from networks.consent import consented_scopes
from networks.models import Encouragement, ReachOut, SupportContact, SupporterWellbeing
from networks.serializers import (
    EncouragementSendSerializer,
    ReachOutFilterSet,
    ReachOutLogSerializer,
    ReachOutSerializer,
    SentEncouragementFilterSet,
    SentEncouragementSerializer,
    SupporterPatientDetailSerializer,
    WellbeingFilterSet,
    WellbeingSerializer,
    WellbeingSubmitSerializer,
)


class SupporterView(NetworkView):
    """A supporter's own contact row for the patient of the URL; 404 for anyone else."""

    def supporter_contact(self, patient_id: object) -> SupportContact:
        if not self.is_supporter():
            raise NotFound
        contact = selectors.contact_for_supporter(
            self.request.user, self.membership().organization, patient_id
        )
        contact.patient.clinic = self.membership().organization  # already loaded
        return contact

    def audit_read(self, contact: SupportContact, api: str, **details: object) -> None:
        audit_record(
            action=Action.VIEW,
            request=self.request,
            clinic=self.membership().organization,
            target=contact,
            patient=contact.patient,
            details={"api": api, **details},
        )


class SupporterPatientDetailView(SupporterView):
    """The supporter's page of one person: only what the consent in force allows (a key whose
    scope is not granted is absent; with nothing shared, only `patient` and `scopes: []`), and
    the setbacks the person chose to tell them about in the last 30 days."""

    serializer_class = SupporterPatientDetailSerializer

    @extend_schema(responses=SupporterPatientDetailSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        contact = self.supporter_contact(patient_id)
        view = selectors.supporter_view(contact)
        view.setback_notices = services.recent_setback_notices(contact, scopes=view.scopes)
        self.audit_read(contact, "supporter-patient", scopes=sorted(view.scopes))
        return Response(SupporterPatientDetailSerializer(view).data)


class SupporterEncouragementView(SupporterView):
    """The messages this supporter sent the person, newest first (while something is shared).
    POST sends one (up to 280 characters); without a consent in force it is a 400."""

    serializer_class = SentEncouragementSerializer
    filterset_class = SentEncouragementFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=SentEncouragementSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        contact = self.supporter_contact(patient_id)
        rows: QuerySet[Encouragement] = Encouragement.objects.none()
        if consented_scopes(contact):
            rows = contact.encouragements.order_by("-created_at", "-id")
        response = self.paginated(self.filtered(rows))
        self.audit_read(contact, "supporter-encouragement")
        return response

    @extend_schema(
        request=EncouragementSendSerializer, responses={201: SentEncouragementSerializer}
    )
    def post(self, request: Request, patient_id: int) -> Response:
        contact = self.supporter_contact(patient_id)
        fields = self.parse(EncouragementSendSerializer, request.data)
        with service_errors():
            note = services.encouragement_send(
                contact=contact, message=fields["message"], request=request
            )
        return Response(SentEncouragementSerializer(note).data, status=status.HTTP_201_CREATED)


class SupporterReachOutView(SupporterView):
    """The supporter's reach-out log (calls, visits, messages), newest first, while something
    is shared. POST logs one; the note is for the care team only."""

    serializer_class = ReachOutSerializer
    filterset_class = ReachOutFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=ReachOutSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        contact = self.supporter_contact(patient_id)
        rows: QuerySet[ReachOut] = ReachOut.objects.none()
        if consented_scopes(contact):
            rows = contact.reach_outs.order_by("-happened_on", "-id")
        response = self.paginated(self.filtered(rows))
        self.audit_read(contact, "supporter-reach-outs")
        return response

    @extend_schema(request=ReachOutLogSerializer, responses={201: ReachOutSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        contact = self.supporter_contact(patient_id)
        fields = self.parse(ReachOutLogSerializer, request.data)
        with service_errors():
            entry = services.reach_out_log(contact=contact, request=request, **fields)
        return Response(ReachOutSerializer(entry).data, status=status.HTTP_201_CREATED)


class SupporterWellbeingView(SupporterView):
    """The supporter's own monthly check-in ("How are you holding up?"), newest month first.
    POST answers this month's (201), or changes it (200). `low` says the answer was hard: the
    page then points to the family resources."""

    serializer_class = WellbeingSerializer
    filterset_class = WellbeingFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=WellbeingSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        contact = self.supporter_contact(patient_id)
        rows = SupporterWellbeing.objects.filter(contact=contact).order_by("-month", "-id")
        return self.paginated(self.filtered(rows))

    @extend_schema(
        request=WellbeingSubmitSerializer,
        responses={
            201: OpenApiResponse(WellbeingSerializer, description=_("This month's answer, saved.")),
            200: OpenApiResponse(
                WellbeingSerializer, description=_("This month's answer, changed.")
            ),
        },
    )
    def post(self, request: Request, patient_id: int) -> Response:
        contact = self.supporter_contact(patient_id)
        fields = self.parse(WellbeingSubmitSerializer, request.data)
        month = services.month_start(timezone.localdate())
        existed = contact.wellbeing.filter(month=month).exists()
        with service_errors():
            entry = services.wellbeing_submit(contact=contact, request=request, **fields)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(WellbeingSerializer(entry).data, status=code)
