"""What engagement tells the apps above it (they connect in their AppConfig.ready())."""

from django.dispatch import Signal

# Sent by engagement.services.help_request_send inside its transaction when a new help request
# is made (not when a second press reuses the open one), with sender=HelpRequest and
# help_request=. The webhooks app writes its deliveries in that same transaction.
help_requested = Signal()
