"""The once-only report of a service: for each evidence its passport asks for, whether the
applicant must bring it, or the authority can obtain it from a registry through a data service
(and which element of that service's description carries it).

An evidence points to its data service with ``sc:dataService`` (and to the element with
``sc:dataElement``): that link decides. An evidence without the link that the authority obtains
itself (``sc:obtainedByAuthority true``) is matched to the data services whose registry has the
name the evidence gives (``sc:registrySource``, compared without case or diacritics, ș/ş
alike); when none matches it is reported as unresolved: once-only is promised but no service
on the platform is known to deliver it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from catalog import rdfio
from catalog.core import Catalog
from catalog.records.dataservice import DataService
from catalog.records.passport import Evidence, Passport
from catalog.text import search_key
from catalog.workflow.access import Principal
from catalog.workflow.history import History

Status = Literal["asked", "registry", "unresolved"]


@dataclass(frozen=True)
class EvidenceSource:
    """Where one evidence comes from."""

    evidence: Evidence
    status: Status
    how: Literal["linked", "registry_name", "none"]
    service_iri: str | None = None
    service: DataService | None = None
    element: str | None = None

    def text(self) -> dict[str, str]:
        title = self.evidence.title
        name = {lang: title.get(lang) or title.get("ro") or title.get("en")
                or self.evidence.identifier for lang in ("en", "ro", "ru")}
        if self.status == "asked":
            return {"en": f"{name['en']}: asked of the applicant",
                    "ro": f"{name['ro']}: se cere solicitantului",
                    "ru": f"{name['ru']}: запрашивается у заявителя"}
        if self.service is None:
            return {"en": f"{name['en']}: obtained by the authority, but no data service of "
                          "the registry is known",
                    "ro": f"{name['ro']}: obținut de autoritate, dar nu se cunoaște niciun "
                          "serviciu de date al registrului",
                    "ru": f"{name['ru']}: получается органом, но сервис данных реестра не "
                          "известен"}
        s, reg = self.service, self.service.registry
        at = f" (element {self.element})" if self.element else ""
        where = {"en": at, "ro": at, "ru": at}
        return {
            "en": f"{name['en']}: obtainable from the registry "
                  f"{reg.get('en') or reg.get('ro', '')} through the service {s.code} "
                  f"({s.title.get('en') or s.title.get('ro', '')}){where['en']}",
            "ro": f"{name['ro']}: se obține din registrul {reg.get('ro') or reg.get('en', '')} "
                  f"prin serviciul {s.code} ({s.title.get('ro') or s.title.get('en', '')})"
                  f"{where['ro']}",
            "ru": f"{name['ru']}: получается из реестра {reg.get('ro') or reg.get('en', '')} "
                  f"через сервис {s.code} ({s.title.get('ru') or s.title.get('ro', '')})"
                  f"{where['ru']}"}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"evidence": self.evidence.identifier,
                               "key": self.evidence.key, "title": self.evidence.title,
                               "status": self.status, "how": self.how, "text": self.text()}
        if self.service is not None:
            out["data_service"] = {"iri": self.service_iri, "code": self.service.code,
                                   "title": self.service.title,
                                   "registry": self.service.registry,
                                   "publisher": self.service.publisher,
                                   "endpoint_description": self.service.endpoint_description}
        if self.element:
            out["element"] = self.element
        return out


def _services(catalog: Catalog) -> dict[str, DataService]:
    kind = catalog.kinds["dataservice"]
    assert kind.mapping is not None
    out: dict[str, DataService] = {}
    for iri, content in catalog.ledger.published(kinds=[kind.name]).items():
        out[iri] = kind.mapping.from_triples(rdfio.parse_canonical(content), iri)
    return out


def sources(catalog: Catalog, passport: Passport) -> list[EvidenceSource]:
    """Where each evidence of ``passport`` comes from, in the passport's order."""
    services = _services(catalog)
    by_name: dict[str, list[str]] = {}
    for iri, s in sorted(services.items()):
        for name in {search_key(n) for n in s.registry.values()}:
            by_name.setdefault(name, []).append(iri)
    out = []
    for ev in passport.evidence:
        if ev.data_service:
            found = services.get(ev.data_service)
            out.append(EvidenceSource(ev, "registry" if found else "unresolved", "linked",
                                      ev.data_service if found else None, found,
                                      ev.data_element))
            continue
        if not ev.obtained_by_authority:
            out.append(EvidenceSource(ev, "asked", "none"))
            continue
        match = next((iri for n in ev.registry_source.values()
                      for iri in by_name.get(search_key(n), [])), None)
        if match is None:
            out.append(EvidenceSource(ev, "unresolved", "none"))
        else:
            out.append(EvidenceSource(ev, "registry", "registry_name", match, services[match]))
    return out


def once_only_report(catalog: Catalog, code: str, principal: Principal | None,
                     *, version: int | None = None) -> dict[str, Any]:
    """The report of the service ``code`` (its published version unless ``version``)."""
    kind = catalog.kinds["service"]
    view = History(catalog, catalog.settings.timezone, kind).read(code, principal,
                                                                   version=version)
    passport = view.model(kind)
    assert isinstance(passport, Passport)
    found = sources(catalog, passport)
    counts = {s: sum(1 for f in found if f.status == s)
              for s in ("asked", "registry", "unresolved")}
    return {"code": code, "version": view.number, "counts": counts,
            "evidence": [f.to_dict() for f in found]}
