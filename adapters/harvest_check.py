"""Reading an RDF harvest mapping and checking its file, until the sync engine reads mappings.

``python -m adapters.harvest_check adapters/examples/trento-cpsv-ap-2-lavoro.yaml`` reads the
mapping's file into harvested records, validates each against the official CPSV-AP 3.2.0
shapes and prints the report: counts accepted and rejected, every rejected record with every
offending subject, the renames done, the resources shared by records or held by none.
``--format json`` prints it as JSON (``counts``: ``records``, ``accepted``, ``rejected``).
Nothing is written. Exit status: 0 every record accepted, 1 some rejected, 2 the mapping or
the file refused (the reason on stderr). Relative paths in a mapping are read from the
directory the command runs in (the repository root for the shipped examples, with
``../shared`` beside it).

The mapping (the part this reader uses; other keys are left to the sync engine)::

    name: trento-cpsv-ap-2-lavoro
    institution: AGE
    source:
      type: rdf
      file: ../shared/external/datasets/trento-cpsv-ap-2/trento_servizi_lavoro.rdf
      cpsv_ap: "2.2.1"
      format: rdfxml            # optional: by the file's extension
      untagged_language: en     # optional: the language of untagged text
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from adapters.sources.rdf import RdfSource
from catalog.errors import CatalogError, InvalidInput
from catalog.intake.harvest import Harvest
from catalog.settings import Settings, get_settings

_MAX_MAPPING_BYTES = 64 * 1024


class RdfSourceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["rdf"]
    file: str
    cpsv_ap: str
    format: str | None = None
    untagged_language: str | None = None


class RdfMapping(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    institution: str
    source: RdfSourceSpec


def load_mapping(path: Path) -> RdfMapping:
    """A harvest mapping read from YAML (safe loader, size capped), checked."""
    raw = path.read_bytes()[:_MAX_MAPPING_BYTES + 1]
    if len(raw) > _MAX_MAPPING_BYTES:
        raise InvalidInput.of("harvest.source_file", field="mapping", value=str(path),
                              reason=f"over {_MAX_MAPPING_BYTES} bytes")
    try:
        return RdfMapping.model_validate(yaml.safe_load(raw))
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput.of("harvest.source_file", field="mapping", value=str(path),
                              reason=str(exc).splitlines()[0]) from exc


def source_for(mapping: RdfMapping, settings: Settings, base: Path) -> RdfSource:
    """The source a mapping declares; its file relative to ``base``."""
    spec = mapping.source
    file = Path(spec.file)
    return RdfSource(name=mapping.name, file=file if file.is_absolute() else base / file,
                     cpsv_ap=spec.cpsv_ap, settings=settings, fmt=spec.format,
                     catalogue=spec.file, default_language=spec.untagged_language)


def render_text(mapping: RdfMapping, harvest: Harvest) -> str:
    c = harvest.counts
    lines = [f"{mapping.name}: {c['records']} record(s), {c['accepted']} accepted, "
             f"{c['rejected']} rejected", *(f"  note: {n}" for n in harvest.notes)]
    if harvest.shared:
        lines.append(f"  {len(harvest.shared)} resource(s) linked from several services "
                     "(copied into each)")
    if harvest.unowned:
        lines.append(f"  {len(harvest.unowned)} resource(s) linked from no service (not "
                     f"harvested): {', '.join(harvest.unowned)}")
    for rec in harvest.records:
        if rec.accepted:
            continue
        lines.append(f"  rejected {rec.draft.iri}")
        for problem in rec.problems:
            report = getattr(problem, "report", None)
            findings = report.violations if report is not None else []
            if not findings:
                lines.append(f"    {problem}")
            for f in findings:
                lines.append(f"    {f.focus} {f.path or ''}: {f.message_en}")
    return "\n".join(lines) + "\n"


def report_dict(mapping: RdfMapping, harvest: Harvest) -> dict[str, Any]:
    return {"name": mapping.name, "institution": mapping.institution, **harvest.to_dict()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adapters.harvest_check",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("mapping", type=Path)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        mapping = load_mapping(args.mapping)
        harvest = source_for(mapping, get_settings(), Path.cwd()).read()
    except CatalogError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(report_dict(mapping, harvest), ensure_ascii=False,
                                    indent=2) + "\n")
    else:
        sys.stdout.write(render_text(mapping, harvest))
    return 0 if harvest.counts["rejected"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
