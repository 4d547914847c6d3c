"""What validation found: findings with messages in Romanian and English (and Russian where the
finding's source has it), and reading a SHACL report graph into them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rdflib import BNode, Graph
from rdflib import Literal as RLiteral
from rdflib.namespace import RDF, SH
from rdflib.term import Node

Severity = Literal["violation", "warning", "info"]
_SEVERITY: dict[Node, Severity] = {SH.Violation: "violation", SH.Warning: "warning",
                                   SH.Info: "info"}


@dataclass(frozen=True)
class Finding:
    """One problem found in a record."""

    focus: str
    path: str | None
    value: str | None
    message_en: str
    message_ro: str
    severity: Severity
    shape: str | None
    constraint: str | None
    #: the Russian text, where the finding's source has one (:attr:`messages` falls back to
    #: English); not part of :meth:`to_dict`, whose message stays ``{"en", "ro"}``
    message_ru: str | None = None
    #: the JSON path of the field it is about (``title.ro``, ``costs.0.currency``), where the
    #: record was sent as JSON and the finding could be placed
    field: str | None = None

    @property
    def messages(self) -> dict[str, str]:
        return {"en": self.message_en, "ro": self.message_ro,
                "ru": self.message_ru or self.message_en}

    def to_dict(self) -> dict[str, Any]:
        return {
            "focus": self.focus,
            "path": self.path,
            "value": self.value,
            "message": {"en": self.message_en, "ro": self.message_ro},
            "severity": self.severity,
            "shape": self.shape,
            "constraint": self.constraint,
            "field": self.field,
        }


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def conforms(self) -> bool:
        """No violation (warnings and infos do not block)."""
        return not any(f.severity == "violation" for f in self.findings)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def merged(self, other: ValidationReport) -> ValidationReport:
        return ValidationReport(self.findings + other.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }


def _messages(report: Graph, result: Node) -> tuple[str, str, str | None]:
    by_lang: dict[str, str] = {}
    for m in report.objects(result, SH.resultMessage):
        if isinstance(m, RLiteral):
            by_lang.setdefault(m.language or "", str(m))
    en = by_lang.get("en") or by_lang.get("") or next(iter(by_lang.values()), "constraint failed")
    ro = by_lang.get("ro") or en
    return en, ro, by_lang.get("ru")


def node_text(node: Node | None) -> str | None:
    if node is None:
        return None
    return str(node) if not isinstance(node, BNode) else f"_:{node}"


def read_report(report: Graph) -> ValidationReport:
    findings: list[Finding] = []
    for rep in report.subjects(RDF.type, SH.ValidationReport):
        for res in report.objects(rep, SH.result):
            en, ro, ru = _messages(report, res)
            sev = report.value(res, SH.resultSeverity)
            findings.append(
                Finding(
                    focus=node_text(report.value(res, SH.focusNode)) or "",
                    path=node_text(report.value(res, SH.resultPath)),
                    value=node_text(report.value(res, SH.value)),
                    message_en=en,
                    message_ro=ro,
                    message_ru=ru,
                    severity=_SEVERITY.get(sev, "violation") if sev is not None else "violation",
                    shape=node_text(report.value(res, SH.sourceShape)),
                    constraint=node_text(report.value(res, SH.sourceConstraintComponent)),
                )
            )
    findings.sort(key=lambda f: (f.severity != "violation", f.focus, f.path or ""))
    return ValidationReport(tuple(findings))
