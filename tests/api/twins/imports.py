"""Twins of the imports pages (the clinic admin's /clinic/imports/)."""

from tests.api.twins import Why

UPLOAD = ("api:import-patients", "api:import-contacts")

TWINS = {
    "imports:index": UPLOAD,  # the upload: a POST with dry_run=true (the default)
    "imports:preview": UPLOAD,  # the dry run's answer: counts, or each row's errors
    "imports:confirm": UPLOAD,  # dry_run=false: every row saved, or none
    "imports:cancel": Why(
        "The API keeps nothing between calls (a dry run stores no upload), so there is nothing "
        "to discard."
    ),
    "imports:template": Why(
        "An empty spreadsheet with the column names, for people; the schema documents the "
        "columns for API callers."
    ),
    "imports:export": Why(
        "A spreadsheet download for people; API callers read the same records from "
        "GET /api/v1/patients/ and each patient's contacts, or the clinic's FHIR export."
    ),
}
