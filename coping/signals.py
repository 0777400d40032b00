"""Every new clinic starts with the starter coping-strategy library."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Organization
from coping.library import seed_strategy_library


@receiver(post_save, sender=Organization, dispatch_uid="coping_seed_strategy_library")
def _seed_library_for_new_clinic(
    sender: type[Organization], instance: Organization, created: bool, **kwargs: object
) -> None:
    if created and not kwargs.get("raw"):  # raw: loading fixtures, which bring their own rows
        seed_strategy_library(instance)
