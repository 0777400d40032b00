# The network's people (a patient, their care-team clinician, a supporter and their contact row).
from tests.networks.conftest import (  # noqa: F401  (fixtures, used by name)
    contact,
    patient,
    person,
    supporter,
    team_clinician,
)
