"""The consistency rules: each a declaration (stable id, severity, title and rationale in
Romanian and English, the legal source it rests on, the message of a finding; the Russian texts
are in :mod:`catalog.checks.rules_ru`) and a named
SPARQL query in ``catalog/checks/rules/<id>.rq`` with declared, typed parameters.

A rule's query reads the check projection (:mod:`catalog.checks.facts`) and returns one row per
finding: ``?record`` (the record the finding is on), and when they apply ``?code``,
``?authority``, ``?other`` (the other record or resource: the duplicate, the issuing service,
the data service), ``?act`` (the legal act or article), ``?value`` and ``?detail`` (a date, an
amount, a title). Its messages are ``str.format`` templates over those names.

Every required pattern of a rule's query comes before its first OPTIONAL: Oxigraph plans a
pattern that follows an OPTIONAL as a nested loop (measured: 9.6 s instead of 14 ms at 688
services), and the joins go through the projection's precomputed keys, never through texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from catalog.checks.rules_ru import RUSSIAN
from catalog.queries import NamedQuery, parse

Severity = Literal["violation", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("violation", "warning", "info")
_DIR = Path(__file__).parent / "rules"
LAW_142 = "Legea nr. 142/2018 cu privire la schimbul de date și interoperabilitate"
LAW_100 = "Legea nr. 100/2017 cu privire la actele normative"
NOMENCLATURE = "the nomenclature of public services, as approved by its edition's decision"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: dict[str, str]
    rationale: dict[str, str]
    source: str  # the legal source (act and article) or standard it rests on
    message: dict[str, str]  # ro/en templates over the row's names
    #: the run's values the query takes: date (the check date), digits (the digits of a code
    #: in the nomenclature), exempt (an evidence type the once-only rule leaves out), scheme
    #: (the nomenclature's life events)
    params: tuple[str, ...] = field(default_factory=tuple)

    @property
    def query_name(self) -> str:
        return self.id.lower().replace("-", "_")

    def query(self) -> NamedQuery:
        return _query(self.query_name)


@cache
def _query(name: str) -> NamedQuery:
    return parse(name, (_DIR / f"{name}.rq").read_text("utf-8"))


def _r(id_: str, severity: Severity, title: tuple[str, str], rationale: tuple[str, str],
       source: str, message: tuple[str, str], *params: str) -> Rule:
    ru = RUSSIAN[id_]
    return Rule(id_, severity, {"ro": title[0], "en": title[1], "ru": ru[0]},
                {"ro": rationale[0], "en": rationale[1], "ru": ru[1]}, source,
                {"ro": message[0], "en": message[1], "ru": ru[2]}, params)


RULES: tuple[Rule, ...] = (
    _r("LB-MISSING", "violation",
       ("Serviciu fără temei legal", "Service with no legal basis"),
       ("Orice serviciu public se prestează în temeiul unui act normativ; pașaportul trebuie "
        "să-l citeze.",
        "Every public service is provided under a legal act; its passport must cite it."),
       f"CPSV-AP 3.2.0, cv:hasLegalResource; {LAW_100}",
       ("{code}: serviciul nu citează niciun act normativ.",
        "{code}: the service cites no legal act."), ),
    _r("LB-UNKNOWN", "violation",
       ("Temei legal necunoscut", "Unknown legal basis"),
       ("Temeiul legal trebuie să fie un act normativ sau un articol din registrul catalogului, "
        "ca să poată fi verificat și urmărit în timp.",
        "A legal basis must be a legal act or article of the catalogue's register, so that it "
        "can be checked and followed over time."),
       "ELI (European Legislation Identifier), Concluziile Consiliului 2012/C 325/02",
       ("{code}: temeiul legal {act} nu este un act normativ cunoscut catalogului.",
        "{code}: the legal basis {act} is not a legal act known to the catalogue.")),
    _r("LB-REPEALED", "violation",
       ("Temei legal care nu mai este în vigoare", "Legal basis no longer in force"),
       ("Un serviciu nu se poate întemeia pe un act abrogat: temeiul trebuie actualizat.",
        "A service cannot rest on a repealed act: its legal basis must be brought up to date."),
       f"{LAW_100} (abrogarea actelor normative)",
       ("{code}: temeiul legal {act} nu mai este în vigoare din {value}.",
        "{code}: the legal basis {act} is no longer in force since {value}."), "date"),
    _r("LB-ACT-ONLY", "warning",
       ("Temei legal fără articol", "Legal basis without an article"),
       ("Citarea articolului exact permite verificarea temeiului și urmărirea modificărilor lui.",
        "Citing the exact article lets the basis be checked and its amendments followed."),
       f"{LAW_100} (structura actului: articole)",
       ("{code}: temeiul legal citează doar acte întregi, niciun articol.",
        "{code}: the legal basis cites whole acts only, no article.")),
    _r("DUP-SERVICE", "violation",
       ("Serviciu duplicat", "Duplicate service"),
       ("Același serviciu descris de două ori derutează solicitanții și dublează evidența.",
        "The same service described twice confuses applicants and doubles the register."),
       f"{NOMENCLATURE}; CPSV-AP 3.2.0",
       ("{code}: duplică serviciul {other} ({detail}).",
        "{code}: duplicates the service {other} ({detail}).")),
    _r("DUP-NEAR", "warning",
       ("Serviciu aproape duplicat", "Near-duplicate service"),
       ("Două titluri cu aproape aceleași cuvinte (o greșeală de tipar, altă ordine) descriu "
        "adesea același serviciu de două ori: de verificat și, dacă e cazul, de unit.",
        "Two titles with almost the same words (a typo, another order) often describe the "
        "same service twice: to be checked and, where so, merged."),
       f"{NOMENCLATURE}; CPSV-AP 3.2.0",
       ("{code}: titlul seamănă cu cel al serviciului {other} (asemănare {value} %).",
        "{code}: its title resembles the service {other}'s (similarity {value} %).")),
    _r("ONCE-ONLY-CATALOGUE", "violation",
       ("Document cerut deși este eliberat de alt serviciu",
        "Evidence asked for although another service issues it"),
       ("Principiul „o singură dată”: autoritatea obține ea însăși documentul pe care îl "
        "eliberează alt serviciu public, nu îl cere solicitantului.",
        "Once-only principle: the authority obtains itself what another public service issues, "
        "instead of asking the applicant for it."),
       f"{LAW_142}, art. 5",
       ("{code}: cere solicitantului „{detail}”, pe care îl eliberează serviciul {other}.",
        "{code}: asks the applicant for \"{detail}\", which the service {other} issues."),
       "exempt"),
    _r("ONCE-ONLY-REGISTRY", "violation",
       ("Document cerut deși îl deține un registru",
        "Evidence asked for although a registry holds it"),
       ("Principiul „o singură dată”: datele pe care un registru le oferă printr-un serviciu de "
        "date se obțin prin platforma de interoperabilitate.",
        "Once-only principle: data that a registry offers through a data service is obtained "
        "through the interoperability platform."),
       f"{LAW_142}, art. 5",
       ("{code}: cere solicitantului „{detail}”, pe care îl oferă serviciul de date {other}.",
        "{code}: asks the applicant for \"{detail}\", which the data service {other} "
        "offers.")),
    _r("COST-NO-BASIS", "violation",
       ("Tarif fără temei legal", "Cost with no legal basis"),
       ("O plată se cere numai în temeiul actului sau articolului care stabilește tariful.",
        "A fee is charged only under the act or article that sets the tariff."),
       f"{LAW_100} (tariful se stabilește prin act normativ)",
       ("{code}: costul {value} nu are un act sau articol citat care stabilește tariful.",
        "{code}: the cost {value} has no cited act or article that sets the tariff.")),
    _r("TIME-OVER-MAX", "violation",
       ("Termen peste maximul legal", "Processing time over the legal maximum"),
       ("Termenul de prestare nu poate depăși termenul maxim stabilit de actul citat.",
        "The processing time cannot exceed the maximum the cited act sets."),
       "Codul administrativ nr. 116/2018 (termenele procedurii administrative)",
       ("{code}: termenul {value} depășește maximul {detail} stabilit de {act}.",
        "{code}: the processing time {value} exceeds the maximum {detail} set by {act}.")),
    _r("LIFE-EVENT-EMPTY", "warning",
       ("Eveniment de viață fără servicii", "Life event with no service"),
       ("Un eveniment de viață al nomenclatorului fără niciun serviciu publicat lasă un gol în "
        "ghidarea solicitanților.",
        "A life event of the nomenclature with no published service leaves applicants "
        "without guidance."),
       "Regulamentul (UE) 2018/1724 (Single Digital Gateway), anexa II",
       ("Evenimentul de viață „{detail}” nu are niciun serviciu publicat.",
        "The life event \"{detail}\" has no published service."), "scheme"),
    _r("CODE-PATTERN", "violation",
       ("Cod care nu respectă nomenclatorul", "Code that breaks the nomenclature's pattern"),
       ("Codul serviciului are forma COD_INSTITUȚIE-NNNN, cu codul instituției competente.",
        "A service code has the form INSTITUTION_CODE-NNNN, with the competent institution's "
        "code."),
       NOMENCLATURE,
       ("{code}: codul nu respectă forma nomenclatorului ({detail}).",
        "{code}: the code breaks the nomenclature's pattern ({detail})."), "digits"),
    _r("NOMENCLATURE-ORPHAN", "violation",
       ("Pașaport sau poziție fără pereche în nomenclator",
        "Passport or entry with no match in the nomenclature"),
       ("Fiecare serviciu prestat are o poziție în ediția în vigoare a nomenclatorului, iar "
        "fiecare poziție are pașaportul serviciului.",
        "Every service provided has an entry in the edition of the nomenclature in force, and "
        "every entry has the service's passport."),
       NOMENCLATURE,
       ("{code}: {detail} ({other}).", "{code}: {detail} ({other})."), "date"),
    _r("TEMPLATE-DRIFT", "warning",
       ("Pașaport nerevizuit după schimbarea poziției din nomenclator",
        "Passport not reviewed since its nomenclature entry changed"),
       ("Pașaportul moștenește poziția sa din nomenclator: când poziția se schimbă, "
        "instituția revizuiește pașaportul.",
        "A passport derives from its nomenclature entry: when the entry changes, the "
        "institution reviews the passport."),
       NOMENCLATURE,
       ("{code}: poziția din nomenclator a fost revizuită la {detail}, pașaportul ultima dată "
        "la {value}.",
        "{code}: the nomenclature entry was revised on {detail}, the passport last on "
        "{value}."), "date"),
    _r("CHANNEL-UNKNOWN-LOCATION", "violation",
       ("Canal într-o locație necunoscută", "Channel at an unknown location"),
       ("Un canal de prestare trebuie să indice o locație din registrul catalogului, ca "
        "solicitantul să o găsească.",
        "A channel must point at a location of the catalogue's register, so that applicants "
        "find it."),
       "CPSV-AP 3.2.0, cv:Channel, dct:spatial",
       ("{code}: canalul indică locația necunoscută {other}.",
        "{code}: a channel points at the unknown location {other}.")),
    _r("ORG-NO-SERVICES", "info",
       ("Organizație fără servicii", "Organisation with no service"),
       ("O organizație din registru care nu prestează niciun serviciu publicat poate avea "
        "servicii încă nedescrise.",
        "An organisation of the register that provides no published service may have services "
        "not yet described."),
       "CPSV-AP 3.2.0, cv:hasCompetentAuthority",
       ("Organizația {record} nu are niciun serviciu publicat.",
        "The organisation {record} has no published service.")),
)


def rule(rule_id: str) -> Rule | None:
    return next((r for r in RULES if r.id == rule_id), None)


__all__ = ["RULES", "SEVERITIES", "Rule", "Severity", "rule"]
