"""Publishing passports: drafts, review, publication, withdrawal, and who may do which."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from sqlmodel import Session, select

from catalog.core import Catalog
from catalog.errors import (
    Conflict,
    Forbidden,
    InvalidRecord,
    PreconditionFailed,
    PreconditionRequired,
)
from catalog.workflow.access import Principal, Token, Tokens, Unauthenticated
from catalog.workflow.publishing import Publishing
from tests.builders import service_draft


@pytest.fixture
def pub(ref_catalog: Catalog) -> Publishing:
    return Publishing(ref_catalog)


def principal(cat: Catalog, institution: str, role: str) -> Principal:
    tokens = Tokens(cat.engine)
    _, secret = tokens.create(institution, role)
    return tokens.authenticate(secret)


def test_tokens_are_stored_hashed_and_can_be_revoked(ref_catalog: Catalog) -> None:
    tokens = Tokens(ref_catalog.engine)
    token_id, secret = tokens.create("ASP", "publisher", "front office")
    assert tokens.authenticate(secret).institution == "ASP"
    with Session(ref_catalog.engine) as s:
        stored = s.exec(select(Token)).all()
    assert all(secret not in (t.token_hash, t.label) for t in stored)
    tokens.revoke(token_id)
    with pytest.raises(Unauthenticated):
        tokens.authenticate(secret)


def test_draft_review_publish_withdraw(pub: Publishing) -> None:
    cat = pub.catalog
    asp = principal(cat, "ASP", "publisher")
    reviewer = principal(cat, "AGE", "reviewer")
    st = pub.create(asp, service_draft("ASP-9401"), reason="new service")
    assert (st.status, st.number) == ("draft", 1)
    assert cat.store is not None
    assert st.iri not in cat.store.graph_names()  # drafts never reach the public store

    with pytest.raises(PreconditionRequired):
        pub.replace(asp, "ASP-9401", service_draft("ASP-9401", title_ro="Nou"), None)
    st2 = pub.replace(asp, "ASP-9401", service_draft("ASP-9401", title_ro="Nou"), st.etag)
    assert st2.number == 2
    with pytest.raises(PreconditionFailed):
        pub.replace(asp, "ASP-9401", service_draft("ASP-9401", title_ro="Altul"), st.etag)

    st3 = pub.transition(asp, "ASP-9401", "submitted", st2.etag, reason="ready")
    with pytest.raises(Forbidden):
        pub.transition(asp, "ASP-9401", "published", st3.etag)
    st4 = pub.transition(reviewer, "ASP-9401", "published", st3.etag, reason="checked")
    assert st4.published_version == 2
    titles = {t.object.value for t in cat.service_graph("ASP-9401")
              if t.predicate.value.endswith("/title") and isinstance(t.object, ox.Literal)}
    assert "Nou" in titles
    with pytest.raises(Conflict):
        pub.transition(asp, "ASP-9401", "submitted", st4.etag)
    pub.transition(reviewer, "ASP-9401", "withdrawn", st4.etag, reason="service abolished")
    assert st.iri not in cat.store.graph_names()
    steps = [(t.from_status, t.to_status, t.author.split("#")[0], t.reason)
             for t in pub.history("ASP-9401")]
    assert steps == [
        (None, "draft", "ASP/publisher", "new service"),
        (None, "draft", "ASP/publisher", None),
        ("draft", "submitted", "ASP/publisher", "ready"),
        ("submitted", "published", "AGE/reviewer", "checked"),
        ("published", "withdrawn", "AGE/reviewer", "service abolished"),
    ]


def test_an_institution_cannot_touch_another_institutions_passport(pub: Publishing) -> None:
    cat = pub.catalog
    asp = principal(cat, "ASP", "publisher")
    cnas = principal(cat, "CNAS", "publisher")
    st = pub.create(asp, service_draft("ASP-9402"))
    seq, versions = cat.ledger.last_seq(), len(cat.ledger.versions(st.iri))
    with pytest.raises(Forbidden):
        pub.create(cnas, service_draft("ASP-9403"))
    with pytest.raises(Forbidden):
        pub.replace(cnas, "ASP-9402", service_draft("ASP-9402", title_ro="Furat"), st.etag)
    with pytest.raises(Forbidden):
        pub.transition(cnas, "ASP-9402", "submitted", st.etag)
    assert cat.ledger.record_iri("service", "ASP-9403") is None
    assert len(cat.ledger.versions(st.iri)) == versions
    assert cat.ledger.last_seq() == seq
    assert pub.state("ASP-9402").status == "draft"


def test_an_invalid_passport_is_refused_and_nothing_is_stored(pub: Publishing) -> None:
    asp = principal(pub.catalog, "ASP", "publisher")
    bad = service_draft("ASP-9404")
    bad.triples = [t for t in bad.triples if not t.predicate.value.endswith("hasLegalResource")]
    with pytest.raises(InvalidRecord) as err:
        pub.create(asp, bad)
    assert err.value.report.violations
    assert pub.catalog.ledger.record_iri("service", "ASP-9404") is None
