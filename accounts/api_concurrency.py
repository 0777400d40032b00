"""Optimistic concurrency for the API: ETag on a read, `If-Match` on a write, 412 when stale.

Two clinicians who read the same plan, patient or care team and both save must not overwrite
each other silently. A read answers an `ETag`: a hash of the representation it returns. A write
that sends `If-Match` with that tag succeeds only while the row still has that representation;
otherwise it answers 412 and saves nothing, and the client reads again. A write without
`If-Match` is accepted as before (older clients), so the header is the client's choice.

In a view:

    def get(...):
        data = Serializer(row).data
        return with_etag(Response(data), etag_of(data))

    def patch(...):
        with transaction.atomic():
            row = locked(queryset, pk)             # SELECT ... FOR UPDATE: writes queue up
            check_if_match(request, etag_of(Serializer(row).data))
            ...save through the service...
        data = Serializer(row).data
        return with_etag(Response(data), etag_of(data))
"""

import hashlib
import json
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

ModelT = TypeVar("ModelT", bound=Model)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "The ETag of your last read. The write succeeds only if nobody changed the row since; "
        "otherwise 412 and nothing is saved."
    ),
)
PRECONDITION_FAILED_RESPONSE = {
    412: OpenApiResponse(description=_("Changed by someone else since your read (If-Match)."))
}


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Someone else changed this since you read it. Read it again, then make your change."
    )
    default_code = "precondition_failed"


def etag_of(data: Any) -> str:
    """A strong ETag of a representation: the same JSON gives the same tag."""
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40] + '"'


def with_etag(response: Response, etag: str) -> Response:
    response["ETag"] = etag
    return response


def check_if_match(request: Request, current: str) -> None:
    """412 unless `If-Match` is absent, `*`, or names the current tag (weak tags compared by
    their value, as a client may send `W/"..."`)."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    sent = {value.strip().removeprefix("W/") for value in header.split(",") if value.strip()}
    if "*" in sent or current in sent:
        return
    raise PreconditionFailed


def locked(queryset: QuerySet[ModelT], pk: object) -> ModelT:
    """The row, locked until the transaction ends (call inside `transaction.atomic()`), so the
    If-Match check and the write see the same version; 404 when it is not in `queryset`."""
    row = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row
