"""The audit trail's pages and API: the clinic admin's trail, a patient's access report and
the person's own "who saw my information". The record itself (AuditEvent, audit_record, Action)
lives in audit, at the bottom of the layers; these pages read patients, networks and
notifications, so they sit at the top beside reports and joining."""
