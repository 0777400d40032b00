"""TEMPORARY (helper portal): snapshot of the supporter page before/after the refactor."""

import os
import re

import pytest
from django.urls import reverse

from tests.networks.test_supporter_pages import SCOPES, grant, seeded  # noqa: F401

pytestmark = pytest.mark.django_db

SUBSETS = [SCOPES, ["milestones"], ["coping_plan", "help_tasks"], ["checkin_summary"], []]


def norm(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("n", range(len(SUBSETS)))
def test_snapshot(client, seeded, contact, person, supporter, n):  # noqa: F811
    if SUBSETS[n]:
        grant(contact, person, SUBSETS[n])
    client.force_login(supporter)
    html = client.get(reverse("networks:supporter_patient", args=[seeded.pk])).content.decode()
    mode = os.environ.get("SNAP", "check")
    path = f"/tmp/portal_snap_{n}.html"
    if mode == "write":
        with open(path, "w") as f:
            f.write(norm(html))
    else:
        with open(path) as f:
            assert norm(html) == f.read()
