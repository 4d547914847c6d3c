"""The history of check runs (table ``check_run``, migration 0010): ``semcat check --record``
keeps a run's counts, so that the trend of findings per rule can be followed over time
(``GET /api/v1/checks/history``). Only counts are kept, never the findings themselves: they
are recomputed from the projection at any time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, text

from catalog.checks.run import CheckRun


@dataclass(frozen=True)
class RunSummary:
    id: int
    at: str
    date: str
    institution: str | None
    summary: dict[str, int]
    by_rule: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def record(engine: Engine, run: CheckRun) -> int:
    """Keep ``run``'s counts; its id."""
    with engine.begin() as conn:
        result = conn.execute(text(
            "INSERT INTO check_run (at, check_date, institution, violations, warnings, infos, "
            "by_rule) VALUES (:at, :check_date, :institution, :violations, :warnings, :infos, "
            ":by_rule) RETURNING id"), {
                "at": datetime.now(UTC), "check_date": run.date.isoformat(),
                "institution": run.institution, "violations": run.count("violation"),
                "warnings": run.count("warning"), "infos": run.count("info"),
                "by_rule": json.dumps(run.by_rule(), sort_keys=True)})
        return int(result.scalar_one())


def history(engine: Engine, *, institution: str | None = None, limit: int = 100
            ) -> list[RunSummary]:
    """The latest runs (of one institution's, or of the whole catalogue), oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, at, check_date, institution, violations, warnings, infos, by_rule "
            "FROM check_run WHERE COALESCE(institution, '') = :institution "
            "ORDER BY id DESC LIMIT :limit"),
            {"institution": institution or "", "limit": int(limit)}).all()
    out = [RunSummary(r[0], r[1].isoformat() if isinstance(r[1], datetime) else str(r[1]),
                      r[2], r[3], {"violation": r[4], "warning": r[5], "info": r[6]},
                      json.loads(r[7])) for r in rows]
    return out[::-1]


__all__ = ["RunSummary", "history", "record"]
