"""The support network: the network page of the person and their care team, consents,
invitations, help tasks, and the supporter portal (helper "apinet")."""

from tests.api.twins import Why

TWINS = {
    # The person in recovery and their care team.
    "networks:my_network": ("api:me-network",),
    "networks:my_setback": ("api:me-setback",),
    "networks:network": (
        "api:patient-contacts",
        "api:patient-contact-invitations",
        "api:patient-encouragements",
    ),
    "networks:contact_new": ("api:patient-contacts", "api:me-network"),
    "networks:contact_edit": ("api:patient-contact",),
    "networks:contact_status": ("api:patient-contact-status", "api:patient-contact"),
    "networks:contact_invite": ("api:patient-contact-invitations",),
    "networks:invitation_revoke": (
        "api:patient-contact-invitation-revoke",
        "api:patient-contact-invitation",
    ),
    "networks:consent": ("api:patient-contact-consents", "api:contact-consents"),
    "networks:consent_change": ("api:patient-contact-consent-change",),
    "networks:consent_revoke": ("api:patient-contact-consent-revoke", "api:contact-consent-revoke"),
    "networks:contact_preview": ("api:patient-contact-preview",),
    "networks:encouragement_hide": ("api:patient-encouragement-hide",),
    "networks:help_task_done": ("api:patient-help-task-done",),
    # The supporter portal.
    "networks:supporter_home": ("api:supporter-patients",),
    "networks:supporter_patient": ("api:supporter-patient",),
    "networks:task_claim": ("api:patient-help-task-claim",),
    "networks:task_release": ("api:patient-help-task-release",),
    "networks:task_done": ("api:patient-help-task-done",),
    "networks:encouragement_send": ("api:supporter-patient-encouragement",),
    "networks:reach_out_log": ("api:supporter-patient-reach-outs",),
    "networks:wellbeing": ("api:supporter-patient-wellbeing",),
    "networks:invitation": Why(
        "The invitation link is the way to a supporter's sign-in (an account is made or linked "
        "there); an API caller already has one."
    ),
}
