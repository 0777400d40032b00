"""Twins of the engagement, events, resources and notifications pages."""

from tests.api.twins import Why

ENGAGEMENT = {
    "engagement:act": Why(
        "A signed, single-use link in an email for a supporter who is not signed in; an API "
        "caller uses the endpoints that do the same thing."
    ),
    "engagement:my_help": ("api:my-help", "api:my-help-requests"),
    "engagement:my_help_status": ("api:my-help-request",),
    "engagement:supporter_on_it": ("api:supporter-help-request-on-it",),
    "engagement:staff_on_it": ("api:patient-help-request-on-it", "api:patient-help-requests"),
    "engagement:supporter_digest": ("api:supporter-digest",),
    "engagement:my_digests": ("api:my-digests",),
    "engagement:ladder_step_act": ("api:patient-ladder-step-reached-out", "api:patient-ladder"),
    "engagement:ladder_contact": ("api:patient-reach-out-person",),
    "engagement:my_ladder_contact": ("api:patient-reach-out-person",),
    "engagement:ladder_policy": ("api:clinic-ladder-policy",),
    "engagement:my_celebrations": ("api:patient-celebrations",),
    "engagement:celebrations": ("api:patient-celebrations",),
    "engagement:celebration_review": ("api:patient-celebration-review",),
    "engagement:celebration_card": ("api:patient-celebrations",),
    "engagement:celebration_write": (
        "api:supporter-celebrations",
        "api:supporter-celebration-milestones",
    ),
}
EVENTS = {
    "events:index": ("api:event-list", "api:my-event-invitations"),
    "events:event_create": ("api:event-list",),
    "events:event_detail": ("api:event-detail", "api:event-invitations"),
    "events:rsvp": ("api:my-event-invitation-rsvp",),
    "events:stories": ("api:story-list",),
    "events:my_stories": ("api:my-stories",),
    "events:story_create": ("api:my-stories",),
    "events:story_draft_for": ("api:patient-stories",),
    "events:story_review": ("api:story-review",),
    "events:story_edit": ("api:story-detail",),
    "events:story_consent": ("api:my-story-consent",),
    "events:story_withdraw": ("api:my-story-withdraw",),
    "events:story_publish": ("api:story-publish",),
}
RESOURCES = {
    "resources:article_list": ("api:article-list",),
    "resources:article_detail": ("api:article-detail", "api:article-list"),  # ?slug=
    "resources:article_manage": ("api:article-list",),
    "resources:article_create": ("api:article-list",),
    "resources:article_edit": ("api:article-detail",),
    "resources:article_publish": ("api:article-publish",),
    "resources:directory": ("api:community-resource-list",),
    "resources:resource_manage": ("api:community-resource-list",),
    "resources:resource_create": ("api:community-resource-list",),
    "resources:resource_edit": ("api:community-resource-detail",),
    "resources:resource_active": ("api:community-resource-active",),
    "resources:patient_resources": ("api:patient-resources",),
    "resources:patient_resource_attach": ("api:patient-resources",),
    "resources:patient_resource_detach": ("api:patient-resource",),  # DELETE
}
NOTIFICATIONS = {
    "notifications:centre": ("api:my-notifications",),
    "notifications:mark_read": ("api:my-notification-read",),
    "notifications:mark_all_read": ("api:my-notifications-read-all",),
    "notifications:badge": ("api:my-notifications-unread-count",),
    "notifications:preferences": ("api:my-notification-preferences",),
    "notifications:unsubscribe": Why(
        "A signed one-click link in an email for a mail client, with no sign-in; a signed-in "
        "caller sets unsubscribed_kinds in their preferences."
    ),
    "notifications:log": ("api:notification-log",),
    "notifications:retry": ("api:notification-retry",),
}

TWINS = {**ENGAGEMENT, **EVENTS, **RESOURCES, **NOTIFICATIONS}
