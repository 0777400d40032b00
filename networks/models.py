"""The support network around a patient (built in the support-network step)."""
