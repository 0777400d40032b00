"""Twins of the help calendar's pages, the patient's and the care team's side (Step 14)."""

TWINS = {
    # The shared help page: the tasks (added with their series fields) and the coming two
    # weeks' occasions with who covers them and the gaps.
    "networks:help_tasks": ("api:patient-help-tasks", "api:patient-help-coverage"),
    "networks:my_help": ("api:patient-help-coverage",),
}
