import pytest
from tests.api_chart.conftest import as_user
pytestmark = pytest.mark.django_db

def test_repro(clinic, clinic_admin):
    api = as_user(clinic_admin)
    r = api.patch("/api/v1/clinic/settings/", {"milestone_heads_up_days": 3, "score_rise_alert": 15, "local_emergency_number": "hours", "default_language": "5", "supporters_need_second_factor": True, "name": "\u009e", "missed_checkin_days": 2, "brs_drop_alert": "-3", "craving_alert_threshold": 4}, format="json")
    print(r.status_code, r.content)
    r = api.put("/api/v1/clinic/settings/", {"brs_drop_alert": 10000000000000000001, "name": "x", "supporters_need_second_factor": False, "phone": -36352308607165734912}, format="json")
    print(r.status_code, r.content)
