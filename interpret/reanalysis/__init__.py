"""Reanalysis: stored cases re-run against current knowledge (panels, classifications, the national cohort), and
the alerts it raises for the responsible departments."""
