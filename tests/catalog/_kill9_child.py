"""Child process of the crash test: imports 2,000 passports, printing each acknowledged code.

A code is printed only after the ledger transaction holding it has committed.
"""

from __future__ import annotations

import sys

from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import get_settings
from tests.builders import service_draft


def main() -> None:
    cat = Catalog(get_settings())
    load_reference(cat)
    print("ready", flush=True)
    drafts = [service_draft(f"ASP-{n:06d}") for n in range(1, 2001)]

    def ack(appended: list) -> None:  # type: ignore[type-arg]
        sys.stdout.write("".join(f"ack {a.code}\n" for a in appended))
        sys.stdout.flush()

    cat.import_records(drafts, author="crash-test", atomic=False, batch_size=20, on_ack=ack)
    print("done", flush=True)


if __name__ == "__main__":
    main()
