"""What the support network tells the apps above it (they connect in their AppConfig.ready())."""

from django.dispatch import Signal

# Sent by networks.services.help_task_create inside the transaction that creates the task, with
# sender=HelpTask and task=. engagement connects the broadcast to the network (its messages go
# out when the transaction commits).
help_task_created = Signal()
