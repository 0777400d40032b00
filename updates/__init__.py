"""Updates: short posts from the person in recovery (or a clinician on their behalf) to chosen
people of their network, with reactions and short replies, inside the `updates` consent scope."""
