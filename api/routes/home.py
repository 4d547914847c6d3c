"""``GET /``: the hub's front page, the published nomenclature as a plain HTML list.

The full web pages are their own issue; this page only lets a person who ran `make run` see
what is loaded and where the machine interfaces are.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import CatalogDep

router = APIRouter(tags=["pages"])

_PAGE = """<!doctype html>
<html lang="ro"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>semcat — Catalogul serviciilor publice / Public service catalogue</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
td,th{{padding:.25rem .5rem;text-align:left;vertical-align:top}}
tr:nth-child(even){{background:#f4f4f4}}code{{white-space:nowrap}}</style></head>
<body><h1>Catalogul serviciilor publice <small lang="en">/ Public service catalogue</small></h1>
<p>{count} servicii publicate <span lang="en">/ published services</span> ·
<a href="/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%2010">SPARQL</a> ·
<a href="/health">health</a> · <a href="/openapi.json">OpenAPI</a></p>
<table><thead><tr><th>Cod / Code</th><th>Denumire</th><th lang="en">Title</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


@router.get("/", response_class=HTMLResponse)
async def home(catalog: CatalogDep) -> HTMLResponse:
    services = await run_in_threadpool(catalog.published_services)
    base = catalog.settings.base_uri
    path = urlsplit(base).path  # the pages live under the base IRI's path
    service = catalog.kinds["service"]
    rows = "\n".join(
        f'<tr><td><a href="{escape(path + service.iri(base, s["code"])[len(base):])}"><code>'
        f'{escape(s["code"])}'
        f'</code></a></td><td>{escape(s.get("title_ro", ""))}</td>'
        f'<td lang="en">{escape(s.get("title_en", ""))}</td></tr>'
        for s in services)
    return HTMLResponse(_PAGE.format(count=len(services), rows=rows))
