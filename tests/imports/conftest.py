"""Helpers of the imports tests. Most run on a fixed day (`fixed_day`): dates of birth must be
past and recovery starts not ahead; the demo round trip runs on the real clock, as its seed."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

SAMPLES = Path(__file__).resolve().parents[2] / "imports" / "samples"
TODAY = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


@pytest.fixture
def fixed_day() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield


PATIENT_HEADER = (
    "mrn,legal_name,preferred_name,pronouns,date_of_birth,time_zone,preferred_language,phone,"
    "email,program,status,recovery_start,checkin_reminder_time"
)
CONTACT_HEADER = (
    "patient_mrn,name,relationship,email,phone,preferred_channel,language,offers,playbook_step,"
    "reach_out_weekday,reach_out_time"
)


def patients_csv(*lines: str, header: str = PATIENT_HEADER) -> bytes:
    return "\n".join([header, *lines]).encode()


def patient_line(number: int, **cells: str) -> str:
    values = {
        "mrn": f"M-{number:05d}",
        "legal_name": f"Person {number}",
        "preferred_name": "",
        "pronouns": "",
        "date_of_birth": "1990-01-01",
        "time_zone": "America/Chicago",
        "preferred_language": "en",
        "phone": "",
        "email": f"person{number}@example.org",
        "program": "",
        "status": "active",
        "recovery_start": "2026-01-01",
        "checkin_reminder_time": "19:00",
        **cells,
    }
    return ",".join(values[name] for name in PATIENT_HEADER.split(","))
