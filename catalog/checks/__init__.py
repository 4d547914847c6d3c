"""Consistency checks of the whole catalogue against the law and the nomenclature.

The rules (:mod:`.rules`, each a named ``.rq`` file in ``rules/``) read the check projection
(:mod:`.projection`), which keeps the facts of every published record with their keys
precomputed (:mod:`.facts`); :mod:`.run` runs them over the catalogue, one institution, or
drafts as if published; :mod:`.report` writes a run as JSON, CSV or HTML.
"""

from catalog.checks.projection import CheckProjection
from catalog.checks.rules import RULES, SEVERITIES, Rule, Severity, rule
from catalog.checks.run import CheckRun, Checks, Finding, WhatIf, check_date

__all__ = ["RULES", "SEVERITIES", "CheckProjection", "CheckRun", "Checks", "Finding", "Rule",
           "Severity", "WhatIf", "check_date", "rule"]
