"""REST API of the help calendar, the patient's and the care team's side (and a supporter's
claim of one occasion), mounted under /api/v1/patients/{patient_id}/help-tasks/:

- `coverage/?from=&to=`: every occasion of the patient's dated tasks between the days, with who
  took it (first names) and the `gap`. The patient and the care team (admins read); a supporter
  while the patient shares `help_tasks` with them (404 otherwise), with `mine` on their own.
- `{task_id}/occasions/{day}/claim/`: a supporter takes one occasion (networks.help_calendar).
- `slot-claims/{claim_id}/give-back/` and `.../swap/` (`to_contact_id`): the supporter who took
  it, or the patient and the care team on their behalf. The patient is told.

Why no FilterSet on coverage: occasions are computed from the tasks' rules, not rows of a
table; the range is a validated query (`filters`), and a bad day is a 400 naming it.
"""

from datetime import date, timedelta
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import HourMinuteField, service_errors
from networks import help_calendar
from networks.api import HelpTaskScopedView
from networks.help_calendar import CoveredOccasion
from networks.models import HelpSlotClaim, HelpTask, SupportContact
from patients.models import Patient

MAX_RANGE_DAYS = 62
ONLY_SUPPORTERS_TAKE = _("Only a supporter can take an occasion.")


class CoverageQuerySerializer(serializers.Serializer):
    # `from` and `to` are Python keywords: declared in __init__ below.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField(
            required=False, help_text=_("The first day (default: the patient's today).")
        )
        self.fields["to"] = serializers.DateField(
            required=False,
            help_text=_("The last day, included (default: two weeks from the first)."),
        )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        first, last = data.get("from"), data.get("to")
        if first and last and last < first:
            raise serializers.ValidationError({"to": [_("The last day is before the first.")]})
        if first and last and (last - first).days >= MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"to": [_("Ask for %(n)s days at most.") % {"n": MAX_RANGE_DAYS}]}
            )
        return data


class SlotClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    occurs_on = serializers.DateField()
    first_name = serializers.CharField(source="contact.first_name")
    claimed_at = serializers.DateTimeField()
    given_back_at = serializers.DateTimeField(allow_null=True)
    swapped_to = serializers.IntegerField(source="swapped_to_id", allow_null=True)


class OccasionClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField(source="contact.first_name")
    mine = serializers.SerializerMethodField()

    def get_mine(self, claim: HelpSlotClaim) -> bool:
        return claim.contact_id in self.context.get("mine", ())


class OccasionSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task.pk")
    title = serializers.CharField(source="task.title")
    kind = serializers.CharField(source="task.kind")
    day = serializers.DateField()
    starts_at = HourMinuteField(source="task.starts_at", allow_null=True)
    ends_at = HourMinuteField(source="task.ends_at", allow_null=True)
    starts = serializers.DateTimeField(allow_null=True, help_text=_("Aware, or null: any time."))
    people_needed = serializers.IntegerField()
    gap = serializers.IntegerField(help_text=_("How many people are still needed."))
    claims = OccasionClaimSerializer(many=True)

    def to_representation(self, occasion: CoveredOccasion) -> dict[str, Any]:
        data = super().to_representation(occasion)
        data["starts"] = occasion.starts().isoformat() if occasion.starts() else None
        return data


class SwapSerializer(serializers.Serializer):
    to_contact_id = serializers.IntegerField(min_value=1)


def _day(value: str) -> date:
    try:
        found = parse_date(value)
    except ValueError:
        found = None
    if found is None:
        raise ValidationError({"day": [_("Give the day as YYYY-MM-DD.")]})
    return found


class HelpCoverageView(HelpTaskScopedView):
    """The occasions in a range (default: the coming two weeks), each with who took it and
    the gap. Two queries for the occasions whatever their number."""

    filters = {"GET": CoverageQuerySerializer}
    serializer_class = OccasionSerializer
    pagination_class = None  # bounded by the range (MAX_RANGE_DAYS), read whole like a calendar

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="The first day."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="The last day, included."),
        ],
        responses=OccasionSerializer(many=True),
    )
    def get(self, request: Request, patient_id: int) -> Response:
        query = self.query()
        if self.is_supporter():
            contact = self.shared_contact(patient_id)
            first, last = self._range(contact.patient, query)
            found = help_calendar.supporter_occasions(contact, first, last)
            self.audit_supporter_view(contact, "help-coverage")
            mine = {contact.pk}
        else:
            patient = self.open_patient(patient_id)
            first, last = self._range(patient, query)
            found = help_calendar.coverage(patient, first, last)
            self.audit_view(patient, "help-coverage")
            mine = set()
        data = OccasionSerializer(found, many=True, context={"mine": mine}).data
        return Response(data)

    def _range(self, patient: Patient, query: dict[str, Any]) -> tuple[date, date]:
        first = query.get("from") or patient.local_today()
        last = query.get("to") or first + timedelta(days=help_calendar.UPCOMING_DAYS - 1)
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            raise ValidationError(
                {"to": [_("Ask for %(n)s days at most.") % {"n": MAX_RANGE_DAYS}]}
            )
        return first, last


class HelpOccasionClaimView(HelpTaskScopedView):
    """A supporter takes one occasion of a task. Refused with a 400 saying why: not a day of
    the task, a day that has passed, already full, already taken by them."""

    @extend_schema(request=None, responses={201: SlotClaimSerializer})
    def post(self, request: Request, patient_id: int, task_id: int, day: str) -> Response:
        if not self.is_supporter():
            self.open_patient(patient_id)
            raise PermissionDenied(ONLY_SUPPORTERS_TAKE)
        contact = self.shared_contact(patient_id)
        task = get_object_or_404(HelpTask.objects.filter(patient_id=contact.patient_id), pk=task_id)
        on = _day(day)
        with service_errors():
            claim = help_calendar.claim_slot(
                task=task, day=on, contact=contact, actor=request.user, request=request
            )
        return Response(SlotClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class SlotClaimActionView(HelpTaskScopedView):
    """Opens one claim: a supporter their own (404 for anyone else's), the patient and the
    care team any of the patient's (admins read only: 403)."""

    def open_claim(self, patient_id: int, claim_id: int) -> tuple[HelpSlotClaim, Patient]:
        claims = HelpSlotClaim.objects.select_related("task", "contact")
        if self.is_supporter():
            contact = self.shared_contact(patient_id)
            claim = get_object_or_404(claims.filter(contact=contact), pk=claim_id)
            return claim, contact.patient
        patient = self.open_patient(patient_id)
        self.check_can_edit(patient)
        return get_object_or_404(claims.filter(task__patient=patient), pk=claim_id), patient


class SlotGiveBackView(SlotClaimActionView):
    """Give back an occasion (the row stays, marked given back); the patient is told."""

    @extend_schema(request=None, responses=SlotClaimSerializer)
    def post(self, request: Request, patient_id: int, claim_id: int) -> Response:
        claim, _patient = self.open_claim(patient_id, claim_id)
        with service_errors():
            claim = help_calendar.give_back_slot(claim=claim, actor=request.user, request=request)
        return Response(SlotClaimSerializer(claim).data)


class SlotSwapView(SlotClaimActionView):
    """Hand an occasion to another supporter of the same person who shares help tasks: the
    answer is the new claim; the patient is told."""

    @extend_schema(request=SwapSerializer, responses={201: SlotClaimSerializer})
    def post(self, request: Request, patient_id: int, claim_id: int) -> Response:
        claim, patient = self.open_claim(patient_id, claim_id)
        fields = self.parse(SwapSerializer, request.data)
        to_contact = SupportContact.objects.filter(
            patient_id=patient.pk, pk=fields["to_contact_id"]
        ).first()
        if to_contact is None:
            raise ValidationError({"to_contact_id": [_("This person is not in this network.")]})
        with service_errors():
            new = help_calendar.swap_slot(
                claim=claim, to_contact=to_contact, actor=request.user, request=request
            )
        return Response(SlotClaimSerializer(new).data, status=status.HTTP_201_CREATED)
