"""More of the coping API: what the pages do beyond the lists (coping/api.py). Each endpoint
calls the same service or selector as its page, with the page's permission:

- the person's own record under /api/v1/me/ (their check-ins, progress, reminder time and plan):
  the person in recovery only, everyone else 404, as on the my-recovery pages;
- a patient's trends and questionnaire schedule (the check-ins page), plan compare and restore
  (the versions page): the person and their care team, clinic admins read (403 on writes);
- the clinic's strategy library: clinic admins and clinicians, everyone else 404.

The printable plan and the wallet card have no twin: they are printable renderings of the plan
that GET coping-plan/ already answers as JSON.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, service_errors
from accounts.api_concurrency import IF_MATCH
from accounts.models import Membership, Role
from coping import library as strategy_library
from coping.access import own_patient_record
from coping.api import (
    PLAN_WRITE_RESPONSES,
    AssessmentListView,
    CheckInListView,
    CopingPatientView,
    CopingPlanView,
    plan_response,
    plan_versions,
    plan_write,
)
from coping.instruments import INSTRUMENTS
from coping.models import AssessmentSchedule, CopingPlanVersion, Strategy
from coping.plan import SECTION_LABELS, plan_diff
from coping.selectors import assessment_series, schedule_for, series_and_streak
from coping.serializers import (
    CompareQuerySerializer,
    DueSerializer,
    PlanCompareSerializer,
    ReminderTimeSerializer,
    ScheduleSetSerializer,
    StrategyAddSerializer,
    StrategyFilterSet,
    StrategySerializer,
    TrendsQuerySerializer,
    TrendsSerializer,
)
from coping.services import assessment_schedule_set, checkin_reminder_time_set, plan_restore
from patients.models import Patient

CARE_TEAM_SETS_SCHEDULE = _("The care team sets how often questionnaires are due.")


# --- The person's own record (/api/v1/me/...) -------------------------------------------------


class OwnRecordMixin:
    """The person in recovery's own record in the clinic the request acts in; 404 for everyone
    else (as the my-recovery pages). They read and write it, as on the pages."""

    def open_patient(self, patient_id: object = None) -> Patient:
        membership: Membership | None = self.membership()  # type: ignore[attr-defined]
        return own_patient_record(membership)


class MyCheckInListView(OwnRecordMixin, CheckInListView):
    """The person's own check-ins, newest first; POST records today's (the my-recovery check-in
    page: created 201, or today's updated 200)."""


class MyAssessmentListView(OwnRecordMixin, AssessmentListView):
    """The person's own questionnaires; POST saves one they completed."""


class MyCopingPlanView(OwnRecordMixin, CopingPlanView):
    """The person's own coping plan (with an ETag); they may save it as on the plan page."""


# --- Trends and the questionnaire schedule (the check-ins page) -------------------------------


def schedule_rows(patient: Patient) -> list[dict[str, Any]]:
    """Every instrument's schedule for the patient: the care team's setting or the default,
    and when it is next due (selectors.schedule_for). Two queries and one for the overrides."""
    overrides = {s.instrument: s for s in AssessmentSchedule.objects.filter(patient=patient)}
    due = {d.instrument.slug: d for d in schedule_for(patient)}
    rows = []
    for slug, instrument in INSTRUMENTS.items():
        override = overrides.get(slug)
        found = due.get(slug)
        rows.append(
            {
                "instrument": slug,
                "name": instrument.short_name,
                "interval_days": override.interval_days
                if override
                else instrument.default_interval_days,
                "is_active": override.is_active if override else True,
                "custom": override is not None,
                "last": found.last if found else None,
                "next_due": found.next_due if found else None,
                "overdue": bool(found and found.overdue),
                "due_today": bool(found and found.due_today),
            }
        )
    return rows


def trends_of(patient: Patient, days: int) -> dict[str, Any]:
    today = patient.local_today()
    series, streak, checked_in_today = series_and_streak(patient, days, today)
    return {
        "days": days,
        "today": today,
        "checked_in_today": checked_in_today,
        "streak": streak,
        "series": series,
        "assessments": assessment_series(patient),
        "schedule": schedule_rows(patient),
    }


class TrendsView(CopingPatientView):
    """The progress page's data: mood, craving and stress over 30 or 90 of the person's days,
    the streak, each questionnaire's scores and when each is next due."""

    filters: ClassVar = {"GET": TrendsQuerySerializer}

    @extend_schema(parameters=[TrendsQuerySerializer], responses=TrendsSerializer)
    def get(self, request: Request, **kwargs: object) -> Response:
        patient = self.open_patient()
        days = self.query()["days"]
        data = TrendsSerializer(trends_of(patient, days)).data
        self.audit_view(patient, "checkin-trends", days=days)
        return Response(data)


class MyTrendsView(OwnRecordMixin, TrendsView):
    """The person's own progress (the my-recovery progress page)."""


class ScheduleView(CopingPatientView):
    """How often each questionnaire is due for the patient. PUT sets one instrument's interval
    (and whether it is due at all): the care team only (the person reads it, 403 on writes)."""

    pagination_class = None  # one row per instrument: four, never a page

    @extend_schema(responses=DueSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient()
        data = DueSerializer(schedule_rows(patient), many=True).data
        self.audit_view(patient, "assessment-schedule")
        return Response(data)

    @extend_schema(request=ScheduleSetSerializer, responses=DueSerializer(many=True))
    def put(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient()
        if self.membership().role == Role.PATIENT:
            raise exceptions.PermissionDenied(CARE_TEAM_SETS_SCHEDULE)
        fields = self.parse(ScheduleSetSerializer, request.data)
        with service_errors():
            assessment_schedule_set(patient=patient, actor=request.user, request=request, **fields)
        return Response(DueSerializer(schedule_rows(patient), many=True).data)


# --- The person's reminder time --------------------------------------------------------------


class MyReminderTimeView(OwnRecordMixin, CopingPatientView):
    """When the daily check-in reminder comes, in the person's own time zone: the person in
    recovery only (404 for everyone else), as on their check-in page."""

    @extend_schema(responses=ReminderTimeSerializer)
    def get(self, request: Request) -> Response:
        patient = self.open_patient()
        data = ReminderTimeSerializer(patient).data
        self.audit_view(patient, "checkin-reminder-time")
        return Response(data)

    @extend_schema(request=ReminderTimeSerializer, responses=ReminderTimeSerializer)
    def put(self, request: Request) -> Response:
        patient = self.editable_patient()
        fields = self.parse(ReminderTimeSerializer, request.data)
        with service_errors():
            patient = checkin_reminder_time_set(
                patient=patient,
                at=fields["checkin_reminder_time"],
                actor=request.user,
                request=request,
            )
        return Response(ReminderTimeSerializer(patient).data)


# --- Plan versions: compare and restore -------------------------------------------------------


def diff_sections(old: dict, new: dict) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": str(SECTION_LABELS[name]),
            "changes": sum(row.change != "same" for row in rows),
            "rows": [{"left": r.left, "right": r.right, "change": r.change} for r in rows],
        }
        for name, rows in plan_diff(old, new)
    ]


class PlanCompareView(CopingPatientView):
    """Two versions of the plan side by side, section by section (`from` and `to` are version
    numbers; one the plan does not have is a 400 naming it)."""

    filters: ClassVar = {"GET": CompareQuerySerializer}

    @extend_schema(parameters=[CompareQuerySerializer], responses=PlanCompareSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient()
        query = self.query()
        wanted = {query["from"], query["to"]}
        found = {
            v.number: v
            for v in CopingPlanVersion.objects.filter(
                plan__patient=patient, number__in=wanted
            ).select_related("author", "restored_from")
        }
        missing = {
            name: [str(_("There is no version %(n)s of this plan.") % {"n": query[name]})]
            for name in ("from", "to")
            if query[name] not in found
        }
        if missing:
            raise exceptions.ValidationError(missing)
        old, new = found[query["from"]], found[query["to"]]
        data = {"old": old, "new": new, "sections": diff_sections(old.content, new.content)}
        self.audit_view(patient, "coping-plan-compare", versions=[old.number, new.number])
        return Response(PlanCompareSerializer(data).data)


class PlanRestoreView(CopingPatientView):
    """Restore an earlier version: saved again as the newest (the history keeps every version).
    Takes the plan's `If-Match` like a save: 412 if someone saved since your read."""

    @extend_schema(request=None, parameters=[IF_MATCH], responses=PLAN_WRITE_RESPONSES)
    def post(self, request: Request, patient_id: int, number: int) -> Response:
        patient = self.editable_patient()
        version = get_object_or_404(plan_versions(patient).select_related("plan"), number=number)
        with plan_write(request, patient), service_errors():
            restored = plan_restore(
                patient=patient, version=version, actor=request.user, request=request
            )
        return plan_response(patient, restored, status.HTTP_201_CREATED)


# --- The clinic's strategy library ------------------------------------------------------------


class LibraryView(ApiView):
    """Clinic admins and clinicians (404 for everyone else), as on the library page."""

    def library_membership(self) -> Membership:
        membership = self.membership()
        if membership is None or membership.role not in (Role.ADMIN, Role.CLINICIAN):
            raise exceptions.NotFound
        return membership

    def strategies(self) -> QuerySet[Strategy]:
        clinic = self.library_membership().organization
        return Strategy.objects.filter(clinic=clinic).order_by("category", "title", "pk")


class StrategyListView(LibraryView):
    """The clinic's coping-strategy library. POST adds a strategy (201); a title the category
    already has is a 400."""

    serializer_class = StrategySerializer
    filterset_class = StrategyFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=StrategySerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(self.filtered(self.strategies()))

    @extend_schema(request=StrategyAddSerializer, responses={201: StrategySerializer})
    def post(self, request: Request) -> Response:
        clinic = self.library_membership().organization
        fields = self.parse(StrategyAddSerializer, request.data)
        with service_errors():
            strategy = strategy_library.strategy_add(
                clinic=clinic, actor=request.user, request=request, **fields
            )
        return Response(StrategySerializer(strategy).data, status=status.HTTP_201_CREATED)


class StrategyActiveView(LibraryView):
    """POST offers the strategy to clinicians again; DELETE stops offering it (plans that use
    it keep it). Either is safe to repeat."""

    def set_active(self, request: Request, strategy_id: int, active: bool) -> Response:
        strategy = get_object_or_404(self.strategies().select_related("clinic"), pk=strategy_id)
        strategy = strategy_library.strategy_set_active(
            strategy=strategy, active=active, actor=request.user, request=request
        )
        return Response(StrategySerializer(strategy).data)

    @extend_schema(
        request=None,
        responses=OpenApiResponse(StrategySerializer, description=_("Offered again.")),
    )
    def post(self, request: Request, strategy_id: int) -> Response:
        return self.set_active(request, strategy_id, True)

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(StrategySerializer, description=_("No longer offered."))},
    )
    def delete(self, request: Request, strategy_id: int) -> Response:
        return self.set_active(request, strategy_id, False)
