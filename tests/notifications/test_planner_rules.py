"""The planner's engine and its registry: the rules live with their apps and run in one fixed
order, whatever the order the apps started in."""

import pytest

from notifications import planner


def test_the_rules_run_in_their_fixed_order():
    names = [f"{rule.run.__module__}.{rule.run.__name__}" for rule in planner.RULES]
    assert names == [
        "networks.reminders.milestones",
        "coping.reminders.checkin_reminders",
        "engagement.reminders.missed_checkins",
        "networks.reminders.appointments",
        "networks.reminders.help_tasks",
        "networks.slot_reminders.help_slots",
        "networks.reminders.reach_outs",
        "coping.reminders.assessments",
        "engagement.ladder.ladder_rule",
        "engagement.celebrations.plan_celebration_cards",
    ]
    assert [rule.order for rule in planner.RULES] == sorted(rule.order for rule in planner.RULES)


def test_registering_a_rule_twice_keeps_one_and_two_rules_never_share_an_order():
    first = planner.RULES[0]
    before = list(planner.RULES)

    planner.register_rule(first.run, order=first.order)
    assert before == planner.RULES

    with pytest.raises(ValueError):
        planner.register_rule(lambda _planner: None, order=first.order)
    assert before == planner.RULES


def test_the_engine_has_the_consent_rule_and_the_links_it_needs_from_the_apps_above():
    assert "rules" in planner.SUPPORTERS  # networks/
    assert {"patient", "supporter", "celebrate"} <= set(
        planner.LINK_MAKERS
    )  # joining/, engagement/
    assert planner.ZONE_SOURCES  # patients/
