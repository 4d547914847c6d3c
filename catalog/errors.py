"""Errors of the catalog core.

Every error carries a stable ``code``, a ``message`` in English, Romanian and Russian, and
where it helps the ``field`` it is about, the ``value`` seen, what was ``expected`` and a
``link`` to read. The delivery layers (HTTP, CLI) map the classes to statuses in one table;
this module knows nothing of HTTP.

Raise by message id, so that the three texts come from :mod:`catalog.messages`::

    raise InvalidInput.of("search.limit", field="limit", value=limit, low=1, high=100)

The constructor with inline texts (``InvalidInput("...", message_ro="...")``) still works for
call sites not yet converted; their Russian text falls back to the English one.

    CatalogError
    ├── InvalidInput          input that cannot be read: too large, too deep, malformed, unsafe
    │   └── UnsafeInput       XML DOCTYPE/entities, remote or file contexts, SERVICE/LOAD
    ├── InvalidRecord         parsed, but breaks the profile (carries a ValidationReport)
    ├── NotFound
    │   └── Gone              a withdrawn record (its last version stays readable)
    ├── Conflict              version or state conflict (duplicate key, wrong workflow state)
    ├── PreconditionRequired  a write that does not say which version it changes
    ├── PreconditionFailed    a write against a version that is no longer the latest
    ├── Forbidden             the principal may not do this (another institution's record)
    ├── QueryRejected         a SPARQL query refused before execution
    ├── QueryTimeout          a query cut at its deadline
    ├── TooManyQueries        a client already has its share of queries running
    ├── StoreUnavailable      the quad store cannot be reached or answered badly
    │   └── QueryTooLarge     a query that needed more memory than a query worker may use
    └── ConfigurationError    settings or shapes that cannot work
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from catalog.messages import render

#: Attributes of an error besides its texts, in the order they are shown.
DETAILS = ("field", "value", "expected", "link", "line", "column")


class CatalogError(Exception):
    """Base of every error raised by :mod:`catalog`."""

    code: ClassVar[str] = "catalog_error"

    def __init__(
        self,
        message: str,
        *,
        message_ro: str | None = None,
        message_ru: str | None = None,
        message_id: str | None = None,
        field: str | None = None,
        value: Any = None,
        expected: str | None = None,
        link: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.message_ro = message_ro or message
        self.message_ru = message_ru or message
        self.message_id = message_id
        self.field = field
        self.value = value
        self.expected = expected
        self.link = link
        self.line = line
        self.column = column

    @classmethod
    def of(cls, message_id: str, /, *, field: str | None = None, value: Any = None,
           expected: str | None = None, link: str | None = None, line: int | None = None,
           column: int | None = None, **params: Any) -> Self:
        """The error with the texts of ``message_id`` (:mod:`catalog.messages`); the
        placeholders are filled from ``params`` and from the details given (``{field}``,
        ``{value!r}``, ``{line}`` ...)."""
        details = {"field": field, "value": value, "expected": expected, "link": link,
                   "line": line, "column": column}
        texts = render(message_id, **{k: v for k, v in details.items() if v is not None},
                       **params)
        return cls(texts["en"], message_ro=texts["ro"], message_ru=texts["ru"],
                   message_id=message_id, **details)

    @property
    def messages(self) -> dict[str, str]:
        return {"en": self.message, "ro": self.message_ro, "ru": self.message_ru}

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole, whatever a subclass's constructor takes (an import's reading
        process hands its refusals over)."""
        return _rebuild, (type(self), self.message, self.__dict__)

    def to_dict(self) -> dict[str, Any]:
        """The error as plain data, the v1 shape every surface shows (``message`` in en and ro;
        :attr:`messages` has every language)."""
        body: dict[str, Any] = {"code": self.code,
                                "message": {"en": self.message, "ro": self.message_ro}}
        for key in DETAILS:
            val = getattr(self, key)
            if val is not None:
                body[key] = val if isinstance(val, (int, float, bool)) else str(val)
        return body

    def __str__(self) -> str:
        where = f" (field {self.field})" if self.field else ""
        pos = f" at line {self.line}, column {self.column}" if self.line is not None else ""
        return f"{self.message}{where}{pos}"


class InvalidInput(CatalogError):
    code = "invalid_input"


class UnsafeInput(InvalidInput):
    code = "unsafe_input"


class TooLarge(InvalidInput):
    code = "too_large"


class InvalidRecord(CatalogError):
    code = "invalid_record"

    def __init__(self, message: str, report: Any, *, outcomes: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.report = report
        self.outcomes = outcomes  # an import's per-record report, when a batch was refused

    @classmethod
    def of(cls, message_id: str, /, *, report: Any = None, outcomes: Any = None,
           **kwargs: Any) -> Self:
        """The refusal with the texts of ``message_id`` and its ``report`` (required)."""
        if report is None:
            raise TypeError("InvalidRecord.of needs the report")
        texts = CatalogError.of(message_id, **kwargs)
        return cls(texts.message, report, outcomes=outcomes, message_ro=texts.message_ro,
                   message_ru=texts.message_ru, message_id=message_id,
                   **{key: getattr(texts, key) for key in DETAILS})

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        body["report"] = self.report.to_dict()
        if self.outcomes is not None:
            body["import"] = self.outcomes.to_dict()
        return body


class NotFound(CatalogError):
    code = "not_found"


class Gone(NotFound):
    """A record that was published, then withdrawn (HTTP 410): ``link`` is its last version."""

    code = "gone"


class Conflict(CatalogError):
    code = "conflict"


class PreconditionRequired(CatalogError):
    """A write without ``If-Match``: the writer must say which version it changes."""

    code = "precondition_required"


class PreconditionFailed(CatalogError):
    """A write whose ``If-Match`` names a version that is no longer the latest."""

    code = "precondition_failed"


class Forbidden(CatalogError):
    code = "forbidden"


class QueryRejected(CatalogError):
    code = "query_rejected"


class QueryTimeout(CatalogError):
    code = "query_timeout"


class TooManyQueries(CatalogError):
    """A client that already has its share of queries running (HTTP 429)."""

    code = "too_many_queries"


class StoreUnavailable(CatalogError):
    code = "store_unavailable"


class StoreInDoubt(StoreUnavailable):
    """An update was sent to a remote store and no answer came (a timeout, a connection cut):
    the server may still apply it, later, beside the next update."""


class QueryTooLarge(StoreUnavailable):
    """A query whose worker passed its memory cap and was replaced (HTTP 503 with
    ``Retry-After``: the same query fails again, a narrower one may not)."""

    code = "query_too_large"


class LedgerUnavailable(StoreUnavailable):
    """The ledger database cannot be read: connection refused or lost, pool exhausted."""

    code = "ledger_unavailable"


class InsufficientStorage(CatalogError):
    """The data folder or the database is full (or read-only): nothing was written; the write
    may be retried once space returns (HTTP 507)."""

    code = "insufficient_storage"


class ConfigurationError(CatalogError):
    code = "configuration_error"


def _rebuild(cls: type[CatalogError], message: str, state: dict[str, Any]) -> CatalogError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err
