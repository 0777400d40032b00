"""Every new clinic starts with the starter coping-strategy library; `checkin_saved` tells the
apps above (engagement's escalation ladder) that a check-in came in."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from accounts.models import Organization
from coping.library import seed_strategy_library

# Sent by coping.services.checkin_submit inside the transaction that saves the check-in (by the
# person or on their behalf), with sender=CheckIn, patient= and checkin=. Receivers write in that
# same transaction; an exception in one rolls the check-in back.
checkin_saved = Signal()


@receiver(post_save, sender=Organization, dispatch_uid="coping_seed_strategy_library")
def _seed_library_for_new_clinic(
    sender: type[Organization], instance: Organization, created: bool, **kwargs: object
) -> None:
    if created and not kwargs.get("raw"):  # raw: loading fixtures, which bring their own rows
        seed_strategy_library(instance)
