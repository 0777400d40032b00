"""The ground floor: plain helpers every app may use (strict API input, dates) and the worker
heartbeat model (an installed app, label "core"). Imports no app."""
