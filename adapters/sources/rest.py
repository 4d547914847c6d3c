"""A REST registry as a source: JSON pages over bounded HTTP (:mod:`.http`), walked by
:mod:`.paging`, each record checked against the source's JSON Schema (:mod:`.jsonschemas`).

A page is read and checked whole before any of its items is given, so a fault (an answer over
its cap, not JSON, without the list of records) stops the run at a page boundary; a record
without a key or breaking the schema becomes an item with ``problems`` and the run goes on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from adapters.mapping.spec import MappingSpec
from adapters.sources import paging
from adapters.sources.auth import Auth
from adapters.sources.base import Item
from adapters.sources.errors import RegistryAnswerRefused, RegistryUnavailable
from adapters.sources.http import Answer, HttpClient, Limits, Retries, where
from adapters.sources.jsonschemas import RecordSchema
from adapters.sources.paging import Paging
from adapters.sources.tls import Tls
from catalog.errors import CatalogError, InvalidInput
from catalog.gates import check_nesting
from catalog.messages import Localized

if TYPE_CHECKING:
    from adapters.sources.registry import SourceContext

#: deepest JSON nesting read from a registry
MAX_DEPTH = 64


@dataclass(frozen=True)
class RestConfig:
    """A REST source, as a mapping declares it."""

    name: str
    base_url: str
    path: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    #: where the records are in an answer (dotted path; ``""``: the answer is the list)
    records: str = ""
    #: where a record's key is (dotted path)
    key: str = "id"
    paging: Paging = field(default_factory=Paging)
    auth: Auth | None = None
    #: headers that are not secrets (``Accept-Language``, an X-Road client id ...)
    headers: Mapping[str, str] = field(default_factory=dict)
    tls: Tls | None = None
    limits: Limits = field(default_factory=Limits)
    retries: Retries = field(default_factory=Retries)
    #: the JSON Schema records must match, and the local files its ``$ref`` may name
    schema: Path | None = None
    schema_files: tuple[Path, ...] = ()


class RestSource:
    """Records of a REST registry (see :class:`adapters.sources.base.Source`)."""

    def __init__(self, config: RestConfig, *, environ: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = config.name
        self.config = config
        self._schema = RecordSchema(config.schema, config.schema_files) \
            if config.schema else None
        headers = {"Accept": "application/json", **config.headers}
        if config.auth:
            headers.update(config.auth.headers(environ))
        self._http = HttpClient(config.limits, config.retries, headers=headers, sleep=sleep,
                                 verify=config.tls.context(environ) if config.tls else True)
        self._url = urljoin(config.base_url, config.path) if config.path else config.base_url

    def close(self) -> None:
        self._http.close()

    def items(self, after: str | None = None) -> Iterator[Item]:
        style = self.config.paging.style
        start = paging.decode(after, style) if after is not None else None
        if style in ("none", "page", "offset"):
            yield from self._numbered(start["n"] + 1 if start else 0)
        elif style == "cursor":
            yield from self._cursored(start)
        else:
            yield from self._linked(start)

    # the styles ---------------------------------------------------------------------------
    def _numbered(self, first: int) -> Iterator[Item]:
        """``none``, ``page`` and ``offset``: positions are record numbers from 0."""
        cfg = self.config.paging
        n = first
        for _ in range(cfg.max_pages):
            params = dict(self.config.params)
            skip = 0
            if cfg.style == "page":
                params[cfg.page_param] = str(cfg.first_page + n // cfg.size)
                skip = n % cfg.size
            elif cfg.style == "offset":
                params[cfg.offset_param] = str(n)
            if cfg.style != "none" and cfg.size_param:
                params[cfg.size_param] = str(cfg.size)
            _, _, records = self._fetch(self._url, params)
            for i, record in enumerate(records[skip:] if cfg.style != "none" else records[n:]):
                yield self._item(record, paging.encode(n=n + i))
            given = len(records) - (skip if cfg.style != "none" else n)
            n += max(0, given)
            if cfg.style == "none" or len(records) < cfg.size or given <= 0:
                return
        raise RegistryUnavailable.of("registry.too_many_pages", value=where(self._url),
                                     limit=cfg.max_pages)

    def _cursored(self, start: dict[str, Any] | None) -> Iterator[Item]:
        cfg = self.config.paging
        cursor: str = start["cursor"] if start else ""
        skip = start["i"] + 1 if start else 0
        seen = {cursor}
        for _ in range(cfg.max_pages):
            params = dict(self.config.params)
            if cursor:
                params[cfg.cursor_param] = cursor
            if cfg.size_param:
                params[cfg.size_param] = str(cfg.size)
            _, body, records = self._fetch(self._url, params)
            for i in range(skip, len(records)):
                yield self._item(records[i], paging.encode(cursor=cursor, i=i))
            skip = 0
            nxt = paging.pick(body, cfg.cursor_path)
            if nxt in (None, "") or not records:
                return
            cursor = str(nxt)
            if len(cursor) > paging.MAX_CURSOR:
                raise RegistryAnswerRefused.of("registry.answer_shape", value=where(self._url),
                                               shape=Localized({
                    "en": f"a cursor of at most {paging.MAX_CURSOR} characters",
                    "ro": f"un cursor de cel mult {paging.MAX_CURSOR} de caractere",
                    "ru": f"курсор не длиннее {paging.MAX_CURSOR} символов"}))
            if cursor in seen:
                raise RegistryUnavailable.of("registry.cursor_repeated",
                                             value=where(self._url), field=cfg.cursor_path)
            seen.add(cursor)
        raise RegistryUnavailable.of("registry.too_many_pages", value=where(self._url),
                                     limit=cfg.max_pages)

    def _linked(self, start: dict[str, Any] | None) -> Iterator[Item]:
        cfg = self.config.paging
        url: str = start["url"] if start else self._url
        if _origin(url) != _origin(self._url):
            raise InvalidInput.of("registry.bad_position", field="after", value=url[:100])
        params: Mapping[str, str] | None = None if start else dict(self.config.params)
        skip = start["i"] + 1 if start else 0
        seen = {url}
        for _ in range(cfg.max_pages):
            answer, _, records = self._fetch(url, params)
            for i in range(skip, len(records)):
                yield self._item(records[i], paging.encode(url=url, i=i))
            skip, params = 0, None
            target = paging.next_link(answer.headers.get("link"))
            if not target or not records:
                return
            nxt = urljoin(str(answer.url), target)
            if _origin(nxt) != _origin(self._url):
                raise RegistryUnavailable.of("registry.link_other_host", value=where(url),
                                             host=(urlsplit(nxt).hostname or "?")[:100])
            if nxt in seen or len(nxt) > paging.MAX_CURSOR:
                raise RegistryUnavailable.of("registry.cursor_repeated", value=where(url),
                                             field="Link")
            seen.add(nxt)
            url = nxt
        raise RegistryUnavailable.of("registry.too_many_pages", value=where(self._url),
                                     limit=cfg.max_pages)

    # one page -----------------------------------------------------------------------------
    def _fetch(self, url: str, params: Mapping[str, str] | None
               ) -> tuple[Answer, Any, list[Any]]:
        """The answer, its JSON and its list of records."""
        answer = self._http.send("GET", url, params=params)
        body = _json(answer)
        records = paging.pick(body, self.config.records)
        if not isinstance(records, list):
            where_ = self.config.records or "/"
            raise RegistryAnswerRefused.of(
                "registry.answer_shape", value=where(answer.url),
                shape=Localized({"en": f"a list of records at {where_!r}",
                                    "ro": f"o listă de înregistrări la {where_!r}",
                                    "ru": f"список записей в {where_!r}"}))
        return answer, body, records

    def _item(self, record: Any, position: str) -> Item:
        key = paging.pick(record, self.config.key)
        if not isinstance(key, (str, int)) or isinstance(key, bool) or key == "":
            index = json.loads(position).get("n", json.loads(position).get("i"))
            problem = InvalidInput.of("registry.record_no_key", field=self.config.key,
                                      index=index)
            return Item(key=f"#{position}", position=position, data=record,
                        problems=(problem,))
        text = str(key)
        problems: tuple[CatalogError, ...] = ()
        if self._schema is not None:
            problems = self._schema.problems(text, record)
        return Item(key=text, position=position, data=record, problems=problems)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _json(answer: Answer) -> Any:
    try:
        text = answer.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistryAnswerRefused.of("registry.answer_not_json", value=where(answer.url),
                                       line=1, column=1) from None
    try:
        check_nesting(text, MAX_DEPTH, what="registry answer", json=True)
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RegistryAnswerRefused.of("registry.answer_not_json", value=where(answer.url),
                                       line=exc.lineno, column=exc.colno) from None
    except ValueError:  # an integer of more digits than Python reads
        raise RegistryAnswerRefused.of("registry.answer_shape", value=where(answer.url),
                                       shape=Localized({
                                           "en": "numbers of at most 4300 digits",
                                           "ro": "numere de cel mult 4300 de cifre",
                                           "ru": "числа не длиннее 4300 цифр"})) from None
    except (InvalidInput, RecursionError):
        raise RegistryAnswerRefused.of("registry.answer_shape", value=where(answer.url),
                                       shape=Localized({
                                           "en": f"JSON nested at most {MAX_DEPTH} deep",
                                           "ro": f"JSON imbricat pe cel mult {MAX_DEPTH} de "
                                                 "niveluri",
                                           "ru": f"JSON с вложенностью не более {MAX_DEPTH} "
                                                 "уровней"})) from None


def source_from_mapping(spec: MappingSpec, context: SourceContext) -> RestSource:
    """The REST source a mapping declares (see :mod:`adapters.sources.configs`); its secrets
    are read from the hub's environment."""
    from adapters.sources.configs import rest_config

    del context  # a REST source needs nothing of the hub
    return RestSource(rest_config(spec))
