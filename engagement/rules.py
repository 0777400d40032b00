"""Wiring, at start-up: the one-action handlers, the send-time renderers and the planner rules
of this app."""


def register() -> None:
    from engagement.actions import register_shared_actions
    from engagement.celebrations import register_celebrations
    from engagement.digests import register_digest_renderer
    from engagement.help import register_help_actions
    from engagement.ladder import register_ladder

    register_shared_actions()
    register_help_actions()
    register_digest_renderer()
    register_ladder()
    register_celebrations()
