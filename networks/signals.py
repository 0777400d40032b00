"""What the support network tells the apps above it (they connect in their AppConfig.ready())."""

from django.dispatch import Signal

# Sent by networks.services.help_task_create inside the transaction that creates the task, with
# sender=HelpTask and task=. engagement connects the broadcast to the network (its messages go
# out when the transaction commits).
help_task_created = Signal()

# Sent by networks.services.consent_grant (change="granted"; a new version of a consent is a
# grant that supersedes the old one) and consent_revoke (change="revoked") inside their
# transaction, with sender=Consent and consent=. The webhooks app writes its deliveries there.
consent_changed = Signal()
