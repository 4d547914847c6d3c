"""One projector at a time per store, across processes: the lease in the ledger database. A
second process (another worker, `semcat rebuild`) leaves a held store alone or refuses with the
holder's name; a rebuild killed mid-way is made again at the next start (a real
`oxigraph serve`, shared by two catalogues on one ledger)."""

from __future__ import annotations

import pytest

from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.errors import Conflict
from catalog.projections.store import StoreProjection
from catalog.settings import Settings
from catalog.store import GraphOp
from tests.builders import import_records, service_draft


def _published(cat: Catalog) -> dict[str, str]:
    return dict(cat.ledger.published())


def test_a_second_process_leaves_a_held_store_alone_and_its_rebuild_is_refused(
        remote_settings: Settings) -> None:
    first = Catalog(remote_settings)
    try:
        load_reference(first)
        second = Catalog(remote_settings)  # another worker or host on the same ledger and store
        try:
            import_records(second, [service_draft("ASP-9701")])
            assert second.project() == 0  # not its to write: the first process holds the store
            with pytest.raises(Conflict, match=first.store_projection.lease.holder):  # type: ignore[union-attr]
                second.rebuild()
            assert first.project() > 0  # the holder projects what the second one wrote
            assert first.service_iri("ASP-9701") in first.store.graph_names()  # type: ignore[union-attr]
            first.close()  # gives the lease back at once
            assert second.rebuild() == len(_published(second))
        finally:
            second.close()
    finally:
        first.close()


def test_a_rebuild_killed_mid_way_is_made_again_at_the_next_start(
        remote_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = Catalog(remote_settings)
    load_reference(cat)
    import_records(cat, [service_draft(f"ASP-97{n:02d}") for n in range(10, 20)])
    store = cat.store
    assert store is not None
    damaged = sorted(_published(cat))[:5]
    store.apply([GraphOp(iri, None) for iri in damaged], store.watermark())  # lost graphs
    calls = 0
    real_apply = type(store).apply

    def dies_after_one_batch(self: object, ops: list[GraphOp], watermark: int,
                             fence: int | None = None) -> None:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise KeyboardInterrupt("killed mid-rebuild")
        real_apply(store, ops[:1], watermark, fence)  # a little of the first batch gets there

    monkeypatch.setattr(StoreProjection, "batch", property(lambda self: 5))
    monkeypatch.setattr("catalog.projections.store.BATCH", 5)
    monkeypatch.setattr(type(store), "apply", dies_after_one_batch)
    with pytest.raises(KeyboardInterrupt):
        cat.rebuild()
    monkeypatch.undo()
    assert not set(damaged) <= store.graph_names()  # still damaged, the watermark current
    assert cat.project() == 0  # and catching up sees nothing to do
    assert cat.store_projection is not None
    assert cat.store_projection.lease is not None
    assert cat.store_projection.lease.rebuilding()
    cat.close()
    again = Catalog(remote_settings)  # the next start finishes the rebuild first
    try:
        assert set(damaged) <= again.store.graph_names()  # type: ignore[union-attr]
        assert again.store_projection is not None
        assert again.store_projection.lease is not None
        assert not again.store_projection.lease.rebuilding()
    finally:
        again.close()


def test_a_late_update_of_an_older_writer_is_fenced_out(remote_settings: Settings) -> None:
    """Found by the crash runs (bench/crash.py): a rebuild killed mid-update cannot stop its
    request, and the SPARQL server applied it after the next holder's rebuild, doubling the
    blank nodes of 36 graphs. Every update names its writer's epoch; an older one is a no-op."""
    cat = Catalog(remote_settings)
    try:
        store = cat.store
        assert store is not None
        iri = "http://127.0.0.1:8000/id/org/test"
        new = f'<{iri}> <http://purl.org/dc/terms/title> "current" .\n'
        old = (f'<{iri}> <http://purl.org/dc/terms/title> "stale" .\n'
               f'<{iri}> <http://www.w3.org/ns/locn#address> _:a .\n'
               '_:a <http://www.w3.org/ns/locn#fullAddress> "x" .\n')
        mark = store.watermark()
        store.apply([GraphOp(iri, new)], mark + 5, fence=7)  # the new holder's write
        store.apply([GraphOp(iri, old)], mark + 1, fence=6)  # the dead one's, arriving late
        assert [t.object.value for t in store.graph(iri)] == ["current"]
        assert store.watermark() == mark + 5
        store.apply([GraphOp(iri, None)], mark + 6, fence=7)  # the holder goes on writing
        assert store.graph(iri) == []
        assert store.watermark() == mark + 6
    finally:
        cat.close()


def test_a_new_holder_writes_with_a_new_epoch(remote_settings: Settings) -> None:
    first = Catalog(remote_settings)
    lease = first.store_projection.lease  # type: ignore[union-attr]
    assert lease is not None
    epoch = lease.epoch
    first.close()
    second = Catalog(remote_settings)
    try:
        assert second.store_projection.lease.epoch == epoch + 1  # type: ignore[union-attr]
    finally:
        second.close()
