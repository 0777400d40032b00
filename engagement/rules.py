"""Wiring, at start-up: the one-action handlers and the planner rules of this app."""


def register() -> None:
    from engagement.actions import register_shared_actions

    register_shared_actions()
