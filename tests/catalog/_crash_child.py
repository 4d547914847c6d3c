"""Child process of tests/catalog/test_crash.py: imports 2,000 realistic passports.

Usage: ``python -m tests.catalog._crash_child [COUNT]`` with ``SEMCAT_DATA_DIR`` (and optionally
``SEMCAT_DATABASE_URL``) set. It loads the shipped reference data, then imports passports built
from a demo passport (evidence, costs, channels, legal basis), validated against the profile's
shapes, in batches of 20. It prints ``ack CODE IRI`` for each record only after the ledger
transaction holding it has committed (``on_ack``), flushed at once. Every third batch it also
projects into the store, so the kill can land in a store write as well as in a ledger commit.
"""

from __future__ import annotations

import sys

from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.ledger import Appended
from catalog.settings import get_settings
from tests.builders import import_records, service_draft


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    cat = Catalog(get_settings())
    load_reference(cat)
    drafts = [service_draft(f"ASP-{n:06d}") for n in range(1, count + 1)]
    batches = 0

    def ack(appended: list[Appended]) -> None:
        nonlocal batches
        sys.stdout.write("".join(f"ack {a.code} {a.iri}\n" for a in appended))
        sys.stdout.flush()
        batches += 1
        if batches % 3 == 0:
            cat.project()

    print("ready", flush=True)
    import_records(cat, drafts, author="crash-test", atomic=False, batch_size=20, on_ack=ack)
    print("done", flush=True)
    cat.close()


if __name__ == "__main__":
    main()
