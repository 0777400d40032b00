"""How engagement hooks into the apps below it, connected in EngagementConfig.ready(): the
signals it hears (a check-in closes the escalation ladder; a new help task is broadcast to the
network) and the clinic-settings check it adds (the ladder's later steps stay after the first)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.forms import register_clinic_setting_check
from accounts.models import Organization
from coping.models import CheckIn
from coping.signals import checkin_saved
from engagement.help_reminders import new_task_broadcast
from engagement.ladder import ladder_close_on_checkin, policy_of
from networks.models import HelpTask
from networks.signals import help_task_created
from patients.models import Patient


def _checkin_saved(
    sender: type[CheckIn], *, patient: Patient, checkin: CheckIn, **kwargs: Any
) -> None:
    ladder_close_on_checkin(patient=patient, checkin=checkin)


def _help_task_created(sender: type[HelpTask], *, task: HelpTask, **kwargs: Any) -> None:
    new_task_broadcast(task)


def missed_checkin_days_check(clinic: Organization, days: int) -> None:
    """The escalation ladder's later steps must stay after the clinic's first one."""
    policy = policy_of(clinic)
    if policy.enabled and days >= policy.supporter_after_days:
        raise ValidationError(
            _(
                "The escalation ladder asks a supporter after %(days)d days: make this "
                "fewer days, or change the ladder below first."
            )
            % {"days": policy.supporter_after_days}
        )


def connect() -> None:
    """Idempotent (dispatch_uid; the registry skips a check it holds)."""
    checkin_saved.connect(
        _checkin_saved, sender=CheckIn, dispatch_uid="engagement_ladder_close_on_checkin"
    )
    help_task_created.connect(
        _help_task_created, sender=HelpTask, dispatch_uid="engagement_help_task_broadcast"
    )
    register_clinic_setting_check("missed_checkin_days", missed_checkin_days_check)
