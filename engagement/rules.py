"""Wiring, at start-up: the one-action handlers, the send-time renderers and the planner rules
of this app."""


def register() -> None:
    from engagement.actions import register_shared_actions
    from engagement.celebrations import register_celebrations
    from engagement.digests import register_digest_renderer
    from engagement.ladder import register_ladder
    from engagement.reminders import register_missed_checkins

    register_shared_actions()
    register_digest_renderer()
    register_missed_checkins()
    register_ladder()
    register_celebrations()
