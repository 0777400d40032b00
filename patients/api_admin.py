"""REST API of the clinic admin's pages on the patient side: programs (list, add, edit,
deactivate and reactivate) and the emergency-access log. Every patient of the clinic is the
patient list (patients/api.py), which answers a clinic admin with all of them.

Admins of the clinic the request acts in only (404 for anyone else, like the pages); a program of
another clinic answers 404. Writes go through patients.services.program_save, which audits.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_admin import AdminApiView, SetActiveSerializer
from accounts.api_base import service_errors
from patients.models import Program
from patients.program_views import emergency_access_log, programs_of
from patients.serializers import (
    EmergencyAccessFilterSet,
    EmergencyAccessSerializer,
    ProgramFilterSet,
    ProgramSerializer,
)
from patients.services import program_save


class ProgramApiView(AdminApiView):
    serializer_class = ProgramSerializer

    def programs(self) -> QuerySet[Program]:
        return programs_of(self.clinic())

    def program(self, program_id: int) -> Program:
        return get_object_or_404(self.programs(), pk=program_id)


class ProgramListView(ProgramApiView):
    """The clinic's programs, active first, with how many patients each has."""

    filterset_class = ProgramFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=ProgramSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(self.filtered(self.programs()))

    @extend_schema(request=ProgramSerializer, responses={201: ProgramSerializer})
    def post(self, request: Request) -> Response:
        clinic = self.clinic()
        fields = self.parse(ProgramSerializer, request.data)
        with service_errors():
            program = program_save(clinic=clinic, actor=request.user, request=request, **fields)
        program = self.program(program.pk)
        return Response(ProgramSerializer(program).data, status=status.HTTP_201_CREATED)


class ProgramDetailView(ProgramApiView):
    """One program; PATCH/PUT change its name, description or whether it is active."""

    @extend_schema(responses=ProgramSerializer)
    def get(self, request: Request, program_id: int) -> Response:
        return Response(ProgramSerializer(self.program(program_id)).data)

    @extend_schema(request=ProgramSerializer, responses=ProgramSerializer)
    def patch(self, request: Request, program_id: int) -> Response:
        return self.update(request, program_id, partial=True)

    @extend_schema(request=ProgramSerializer, responses=ProgramSerializer)
    def put(self, request: Request, program_id: int) -> Response:
        return self.update(request, program_id, partial=False)

    def update(self, request: Request, program_id: int, *, partial: bool) -> Response:
        program = self.program(program_id)
        fields = self.parse(ProgramSerializer, request.data, partial=partial)
        with service_errors():
            program_save(
                clinic=self.clinic(), actor=request.user, program=program, request=request, **fields
            )
        return Response(ProgramSerializer(self.program(program_id)).data)


class ProgramActiveView(ProgramApiView):
    """Deactivate a program (its patients and history stay) or reactivate it."""

    @extend_schema(request=SetActiveSerializer, responses=ProgramSerializer)
    def post(self, request: Request, program_id: int) -> Response:
        program = self.program(program_id)
        active = self.parse(SetActiveSerializer, request.data)["active"]
        with service_errors():
            program_save(
                clinic=self.clinic(),
                actor=request.user,
                program=program,
                request=request,
                is_active=active,
            )
        return Response(ProgramSerializer(self.program(program_id)).data)


class EmergencyAccessLogView(AdminApiView):
    """Every emergency opening of a chart of this clinic, newest first, with the reason given;
    the read is audited naming the patients on the page."""

    serializer_class = EmergencyAccessSerializer
    filterset_class = EmergencyAccessFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=EmergencyAccessSerializer(many=True))
    def get(self, request: Request) -> Response:
        log = self.filtered(emergency_access_log(self.clinic()))
        return self.paginated(log, audited="api_emergency_access_log")
