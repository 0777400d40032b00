"""The demo's engagement: digests on for supporters, a past help request, ladders and
celebration messages. One seeding step for recovery_hub.demo.SEED_STEPS."""

import random
from datetime import date

from engagement.celebrations import seed_celebrations
from engagement.digests import seed_digests
from engagement.help import seed_help
from engagement.ladder import seed_ladder


def seed_engagement(demos: list, rng: random.Random, today: date) -> None:
    for step in (seed_digests, seed_help, seed_ladder, seed_celebrations):
        step(demos, rng, today)
