"""Sync runs of a file source through a mapping: the plan of a dry run (with the diff of each
update and the reasons of each rejection), the apply through the one write path as
``source:NAME``, idempotent re-runs, a bad record that never stops a run, trust, the lock and
the resumption of a killed run."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from adapters.mapping.spec import load
from adapters.sync.minting import KeyCodes
from adapters.sync.runner import Sync
from adapters.sync.trust import set_trust
from catalog.core import Catalog
from catalog.errors import Conflict, Forbidden
from catalog.ledger import syncs
from catalog.ledger.db import write_session
from catalog.ledger.leases import Lease
from catalog.workflow.access import Principal
from tests.adapters.conftest import MAPPING, registry_rows, write_jsonl


@pytest.fixture(scope="module")
def rows(module_catalog: Catalog) -> list[dict[str, Any]]:
    found = registry_rows(module_catalog)
    assert len(found) >= 5
    return found


def _recoded(rows: list[dict[str, Any]], base: int) -> list[dict[str, Any]]:
    """The rows under codes of their own (ASP-0003 -> ASP-{base + 3}): each test writes
    records no other test wrote."""
    out = copy.deepcopy(rows)
    for r in out:
        r["id"] = f"ASP-{base + int(r['id'].split('-')[1]):04d}"
    return out


def _mapping(folder: Path, name: str, rows: list[Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "asp.jsonl", rows)
    path = folder / "m.yaml"
    path.write_text(MAPPING.replace("asp-registry", name), encoding="utf-8")
    return path


def _versions(catalog: Catalog) -> int:
    with catalog.engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM version")).scalar_one())


def test_a_dry_run_plans_writes_nothing_then_apply_writes_drafts_and_a_rerun_is_unchanged(
        module_catalog: Catalog, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    rows = _recoded(rows, 1000)
    spec = load(_mapping(tmp_path, "reg-a", rows))
    before = _versions(module_catalog)
    plan = Sync(module_catalog, spec).plan()
    assert plan.counts == {"created": len(rows), "updated": 0, "unchanged": 0, "rejected": 0}
    assert plan.run.dry_run
    assert plan.run.status == "done"
    assert _versions(module_catalog) == before

    applied = Sync(module_catalog, spec).apply()
    assert applied.counts["created"] == len(rows)
    assert _versions(module_catalog) == before + len(rows)
    code = rows[0]["id"]
    history = list(module_catalog.ledger.versions(
        module_catalog.kinds["service"].iri(module_catalog.settings.base_uri, code)))
    assert [(v.status, v.author) for v in history] == [("draft", "source:reg-a")]
    assert [o.status for o in applied.records] == ["created"] * len(rows)
    assert applied.records[0].key == code

    again = Sync(module_catalog, spec).apply()
    assert again.counts == {"created": 0, "updated": 0, "unchanged": len(rows), "rejected": 0}
    assert _versions(module_catalog) == before + len(rows)


def test_an_update_is_planned_with_the_field_by_field_diff_and_applied_as_a_new_version(
        module_catalog: Catalog, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    rows = _recoded(rows, 2000)
    spec = load(_mapping(tmp_path / "1", "reg-b", rows))
    Sync(module_catalog, spec).apply()
    changed = copy.deepcopy(rows)
    changed[1]["name"]["eng"] = "A renamed service"
    spec = load(_mapping(tmp_path / "2", "reg-b", changed))
    plan = Sync(module_catalog, spec).plan()
    assert plan.counts["updated"] == 1
    assert plan.counts["unchanged"] == len(rows) - 1
    [update] = [o for o in plan.records if o.status == "updated"]
    assert update.code == rows[1]["id"]
    diff = update.detail["diff"]
    assert diff["summary"]["en"] == "1 change: title"
    [change] = diff["changes"]
    assert change["path"] == "title.en"
    assert change["new"] == "A renamed service"
    applied = Sync(module_catalog, spec).apply()
    assert applied.counts["updated"] == 1
    assert [o.detail["version"] for o in applied.records if o.status == "updated"] == [2]


def test_bad_records_are_rejected_with_their_reasons_and_never_stop_the_run(
        module_catalog: Catalog, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    rows = _recoded(rows, 3000)
    others = registry_rows(module_catalog, "cnas")
    untitled = copy.deepcopy(rows[2])
    untitled["id"] = "ASP-3990"
    untitled["name"] = {}
    hostile: list[Any] = [rows[0], "{not json", others[0], untitled, rows[1], rows[0]]
    assert others[0]["authority"].endswith("/cnas")
    spec = load(_mapping(tmp_path, "reg-c", hostile))
    report = Sync(module_catalog, spec).apply()
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 4}
    by_where = {o.detail.get("where"): o for o in report.records if o.status == "rejected"}
    assert set(by_where) == {"line 2", "line 3", "line 4", "line 6"}
    assert by_where["line 2"].detail["reasons"][0]["message"]["en"].startswith(
        "line 2 cannot be read as JSON")
    forbidden = by_where["line 3"].detail["reasons"][0]
    assert forbidden["code"] == "forbidden"
    assert forbidden["field"] == "competent_authority"
    untitled_reasons = by_where["line 4"].detail["reasons"]
    assert [r["field"] for r in untitled_reasons] == ["title"]
    assert by_where["line 6"].detail["reasons"][0]["message"]["en"] == (
        f"the key '{rows[0]['id']}' was already read at line 1: a source gives each record once")


def test_an_admin_trusts_an_adapter_and_its_records_are_published(
        module_catalog: Catalog, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    rows = _recoded(rows, 4000)
    spec = load(_mapping(tmp_path, "reg-d", rows[:2]))
    with pytest.raises(Forbidden):
        set_trust(module_catalog, "reg-d", True,
                  Principal.source("x", "ASP", "http://i", 1))
    set_trust(module_catalog, "reg-d", True, Principal.operator("admin"))
    report = Sync(module_catalog, spec).apply()
    assert report.counts["created"] == 2
    iri = module_catalog.kinds["service"].iri(module_catalog.settings.base_uri, rows[0]["id"])
    assert module_catalog.ledger.versions(iri)[-1].status == "published"


def test_two_runs_of_one_adapter_never_overlap(
        module_catalog: Catalog, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    spec = load(_mapping(tmp_path, "reg-e", _recoded(rows[:1], 6000)))
    other = Lease(module_catalog.engine, "adapter:reg-e", holder="elsewhere:1:x")
    assert other.acquire()
    with pytest.raises(Conflict) as info:
        Sync(module_catalog, spec).apply()
    assert "already running in elsewhere:1:x" in str(info.value)
    other.release()
    assert Sync(module_catalog, spec).apply().run.status == "done"


def test_a_run_that_was_killed_resumes_from_its_cursor(
        module_catalog: Catalog, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    rows = _recoded(rows, 5000)
    spec = load(_mapping(tmp_path, "reg-f", rows))
    # a run whose process died after its first batch: 2 records created, cursor at line 2
    killed = syncs.start(module_catalog.engine, "reg-f", dry_run=False, trigger="cli",
                         holder="gone:1:x", digest=spec.digest)
    first = load(_mapping(tmp_path / "first", "reg-f", rows[:2]))
    sync = Sync(module_catalog, first)
    sync.plan()  # (a dry run meanwhile does not disturb the killed run)
    with write_session(module_catalog.engine) as s:
        s.execute(text("UPDATE sync_run SET status = 'done' WHERE id != :i AND adapter = 'reg-f'"),
                  {"i": killed.id})
    from adapters.sync.runner import _Apply

    # write the first two records as the killed run did, in its name
    apply = _Apply(sync, Lease(module_catalog.engine, "adapter:reg-f"))
    apply.run_id = killed.id
    apply._import(sync.source(), None)
    apply.lease.release()  # (its process is gone: so is its lease)
    syncs.checkpoint(module_catalog.engine, killed.id, apply.position, dict(apply.counts),
                     [o for _, o in apply.buffer])
    resumed = Sync(module_catalog, spec).apply()
    assert resumed.run.id == killed.id
    assert resumed.run.status == "done"
    assert resumed.counts == {"created": len(rows), "updated": 0, "unchanged": 0,
                              "rejected": 0}
    keys = [o.key for o in resumed.records]
    assert sorted(keys) == sorted(r["id"] for r in rows)  # each once, none twice


def test_the_report_is_plain_json_with_counts_and_records(
        module_catalog: Catalog, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    spec = load(_mapping(tmp_path, "reg-g", [*_recoded(rows[:1], 7000), "{bad"]))
    report = Sync(module_catalog, spec).plan().to_dict()
    text_ = json.dumps(report)
    assert json.loads(text_)["counts"] == {"created": 1, "updated": 0, "unchanged": 0,
                                           "rejected": 1}
    assert report["records"][1]["status"] == "rejected"
    assert report["records"][1]["reasons"][0]["field"] == "line 2"


def test_a_scheduled_adapter_runs_when_due_and_not_again_until_its_interval(
        module_catalog: Catalog, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    from adapters.sync.background import Scheduler, due

    path = _mapping(tmp_path, "reg-h", _recoded(rows[:2], 8000))
    path.write_text(path.read_text() + "schedule: {every: PT1H}\n", encoding="utf-8")
    (tmp_path / "unscheduled.yaml").write_text(MAPPING.replace("asp-registry", "reg-i"),
                                               encoding="utf-8")
    spec = load(path)
    assert spec.schedule_s == 3600
    assert due(module_catalog, spec)
    scheduler = Scheduler(module_catalog, folder=tmp_path)
    assert scheduler.tick() == ["reg-h"]
    assert not due(module_catalog, spec)
    assert scheduler.tick() == []
    [run] = syncs.runs(module_catalog.engine, "reg-h")
    assert (run.trigger, run.status, run.counts["created"]) == ("schedule", "done", 2)
    assert due(module_catalog, spec, now=run.started_at.timestamp() + 3600)


def test_a_harvest_mapping_runs_through_the_engine(module_catalog: Catalog) -> None:
    """The official CPSV-AP 3.2.0 example, harvested by its example mapping."""
    from tests.conftest import SHARED

    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    root = Path(__file__).resolve().parents[2]
    spec = load(root / "adapters" / "examples" / "cpsv-ap-3.2.0-example.yaml")
    plan = Sync(module_catalog, spec).plan()
    assert plan.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    applied = Sync(module_catalog, spec).apply()
    assert applied.counts["created"] == 1
    [record] = applied.records
    iri = record.key
    [version] = module_catalog.ledger.versions(iri)
    assert (version.kind, version.author) == ("harvested-service", "source:cpsv-ap-3.2.0-example")


def test_a_minted_code_follows_the_nomenclature_and_a_key_keeps_it(
        module_catalog: Catalog) -> None:
    """A key without a code gets a new one: past every code of its prefix in the ledger and
    in the nomenclature's entries (an entry's code would make the record that service's
    passport), the same on the key's next run."""
    entries = module_catalog.templates.codes()
    numbers = [int(c.split("-")[1]) for c in entries if c.startswith("ASP-")]
    assert numbers
    codes = KeyCodes(module_catalog.engine, "mint-once", entries)
    first, second = codes.code_for("a", "ASP", 4), codes.code_for("b", "ASP", 4)
    assert int(first.split("-")[1]) > max(numbers)
    assert (second, codes.code_for("a", "ASP", 4)) == \
        (f"ASP-{int(first.split('-')[1]) + 1:04d}", first)
    assert not {first, second} & entries
