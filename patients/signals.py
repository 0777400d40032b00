"""What the patients app tells the apps above it (they connect in their AppConfig.ready())."""

from django.dispatch import Signal

# Sent with sender=Alert and alerts= (a list) inside the transaction that raised them: by
# patients.services.alert_raise (one) and by engagement's missed check-ins rule (many at once).
# The webhooks app writes its deliveries in that same transaction.
alerts_raised = Signal()
