"""Running the rules: over the whole catalogue, one institution, or drafts as if published.

:class:`Checks` holds the check projection and what a run needs of the catalogue (its base IRI,
the institutions by organisation IRI); :meth:`Checks.run` gives a :class:`CheckRun`, whose
findings are sorted by rule, record and the rest; :meth:`Checks.what_if` lays drafts over the
published catalogue and says which findings they would add and which they would resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from catalog.checks.facts import F
from catalog.checks.legal import LegalStatus, legal_status
from catalog.checks.projection import CheckProjection
from catalog.checks.rules import RULES, Rule, Severity
from catalog.errors import InvalidInput, NotFound
from catalog.records.split import RecordDraft

#: the nomenclature's form of a service code: the institution's code, a dash, four digits
NOMENCLATURE_DIGITS = 4


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    record: str
    message: dict[str, str]
    code: str | None = None
    institution: str | None = None
    authority: str | None = None
    other: str | None = None
    act: str | None = None
    value: str | None = None
    detail: str | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return (self.rule, self.record, self.other or "", self.act or "", self.value or "")

    def to_dict(self) -> dict[str, object]:
        evidence = {k: v for k, v in (("other", self.other), ("act", self.act),
                                      ("value", self.value), ("detail", self.detail)) if v}
        return {"rule": self.rule, "severity": self.severity, "record": self.record,
                "code": self.code, "institution": self.institution,
                "message": self.message, "evidence": evidence}


@dataclass
class CheckRun:
    date: date
    findings: list[Finding]
    institution: str | None = None
    rules: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def by_rule(self) -> dict[str, int]:
        out = dict.fromkeys(self.rules, 0)
        for f in self.findings:
            out[f.rule] = out.get(f.rule, 0) + 1
        return out

    def only(self, *, rule: str | None = None, institution: str | None = None,
             severity: str | None = None) -> CheckRun:
        """This run's findings of one rule, institution and severity (None: any), as the run
        of that rule over that institution would give them."""
        found = [f for f in self.findings if rule in (None, f.rule)
                 and institution in (None, f.institution) and severity in (None, f.severity)]
        rules = [r for r in self.rules if rule in (None, r)]
        return CheckRun(self.date, found, institution or self.institution, rules)

    def to_dict(self) -> dict[str, object]:
        return {"date": self.date.isoformat(), "institution": self.institution,
                "summary": {s: self.count(s) for s in ("violation", "warning", "info")},
                "by_rule": self.by_rule(),
                "findings": [f.to_dict() for f in self.findings]}


@dataclass
class WhatIf:
    """What drafts would change: the findings they add and those they resolve."""

    added: list[Finding]
    resolved: list[Finding]
    run: CheckRun

    def to_dict(self) -> dict[str, object]:
        return {"added": [f.to_dict() for f in self.added],
                "resolved": [f.to_dict() for f in self.resolved],
                "run": self.run.to_dict()}


class Checks:
    """The rules over one catalogue's check projection."""

    def __init__(self, projection: CheckProjection, base_uri: str,
                 institutions: Callable[[], dict[str, str]],
                 rules: Sequence[Rule] = RULES, code_digits: int = NOMENCLATURE_DIGITS) -> None:
        self.projection, self.base_uri = projection, base_uri
        self.institutions, self.rules = institutions, tuple(rules)
        self.code_digits = code_digits
        self._kept: tuple[tuple[object, ...], CheckRun] | None = None

    def _values(self, on: date) -> dict[str, object]:
        return {"date": on.isoformat(), "digits": self.code_digits,
                "exempt": self.base_uri + "codelist/evidence-type/identity-document",
                "scheme": self.base_uri + "codelist/life-event"}

    def run(self, on: date | None = None, *, institution: str | None = None,
            only: Iterable[str] | None = None) -> CheckRun:
        on = on or date.today()
        rules, orgs = self._asked(institution, only)
        values = self._values(on)
        found: list[Finding] = []
        for r in rules:
            bound = r.query().bind(**{p: values[p] for p in r.params})
            found += [_finding(r, row, orgs) for row in self.projection.run(bound)]
        if institution is not None:
            found = [f for f in found if f.institution == institution]
        found.sort(key=lambda f: (f.rule, f.record, f.other or "", f.act or "",
                                  f.value or ""))
        return CheckRun(on, found, institution, [r.id for r in rules])

    def _asked(self, institution: str | None, only: Iterable[str] | None
               ) -> tuple[list[Rule], dict[str, str]]:
        """The rules asked for and the institutions by IRI; InvalidInput for an unknown rule
        or institution."""
        wanted = set(only) if only is not None else None
        for rule_id in sorted(wanted or ()):
            if all(r.id != rule_id for r in self.rules):
                raise InvalidInput.of("checks.unknown_rule", field="rule", value=rule_id)
        orgs = self.institutions()
        if institution is not None and institution not in orgs.values():
            raise InvalidInput.of("checks.unknown_institution", field="institution",
                                  value=institution)
        return [r for r in self.rules if wanted is None or r.id in wanted], orgs

    def view(self, on: date | None = None, *, institution: str | None = None,
             only: Iterable[str] | None = None) -> CheckRun:
        """What :meth:`run` gives, read from the kept whole run (:meth:`latest`): an anonymous
        reader asking again and again costs a filter, not the rule set."""
        rules, _ = self._asked(institution, only)
        whole = self.latest(on)
        ids = {r.id for r in rules}
        found = [f for f in whole.findings
                 if f.rule in ids and institution in (None, f.institution)]
        return CheckRun(whole.date, found, institution, [r.id for r in rules])

    def latest(self, on: date | None = None) -> CheckRun:
        """The whole run on ``on``, kept until the projection moves on (a publish, a rebuild)
        or the institutions change: pages that filter and page the findings ask for it at each
        request, and the rule set takes seconds at 10,000 services (bench/README.md)."""
        on = on or date.today()
        with self.projection.lock:  # no publish applied between the key and the run
            key = (on, self.projection.watermark(), id(self.projection.store),
                   tuple(sorted(self.institutions().items())))
            kept = self._kept
            if kept is not None and kept[0] == key:
                return kept[1]
            run = self.run(on)
            self._kept = (key, run)
            return run

    def legal_basis(self, service: str, on: date | None = None) -> list[LegalStatus]:
        """What the published service ``service`` (its IRI) cites, each as it stands on
        ``on``: act, article or version, in force or not, the version applicable then."""
        on = on or date.today()
        cited = [q.object.value for q in self.projection.store.quads_for_pattern(
            ox.NamedNode(service), ox.NamedNode(F + "legalBasis"), None)
            if isinstance(q.object, ox.NamedNode)]
        if not cited and not any(self.projection.store.quads_for_pattern(
                ox.NamedNode(service), ox.NamedNode(F + "code"), None)):
            raise NotFound.of("checks.no_service", field="code", value=service)
        return [legal_status(self.projection, iri, on) for iri in sorted(cited)]

    def what_if(self, drafts: Sequence[RecordDraft], on: date | None = None, *,
                institution: str | None = None) -> WhatIf:
        before = self.view(on, institution=institution)
        with self.projection.overlay(drafts):
            after = self.run(on, institution=institution)
        old = {f.key for f in before.findings}
        new = {f.key for f in after.findings}
        return WhatIf([f for f in after.findings if f.key not in old],
                      [f for f in before.findings if f.key not in new], after)


def check_date(value: str | None, field: str = "date") -> date:
    """The check date from its ISO form (today when not given), or InvalidInput."""
    if value is None:
        return date.today()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.of("checks.bad_date", field=field, value=value) from None


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    return None if term is None else term.value


def _finding(r: Rule, row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal],
             orgs: dict[str, str]) -> Finding:
    values = {k: _text(v) for k, v in row.items()}
    authority = values.get("authority")
    names = {k: values.get(k) or "" for k in ("record", "code", "other", "act", "value",
                                               "detail")}
    # a query may word its detail per language (?detail_ro); ?detail is the default
    message = {lang: text.format(**{**names, "detail": values.get(f"detail_{lang}")
                                    or names["detail"]})
               for lang, text in r.message.items()}
    return Finding(
        rule=r.id, severity=r.severity, record=values.get("record") or "",
        message=message,
        code=values.get("code"), institution=orgs.get(authority or ""), authority=authority,
        other=values.get("other"), act=values.get("act"), value=values.get("value"),
        detail=values.get("detail"))


__all__ = ["NOMENCLATURE_DIGITS", "CheckRun", "Checks", "Finding", "WhatIf", "check_date"]
