"""The kinds of the semantic catalogue: semantic assets (ADMS-AP) and registry data services
(DCAT), declared as data like every other kind (:mod:`catalog.records.kinds`)."""

from __future__ import annotations

from catalog.namespaces import ADMS, DCAT, DCT
from catalog.records.asset import ASSET_CLASS, ASSET_CODE, Asset, AssetMapping
from catalog.records.dataservice import (
                      DATA_SERVICE_CLASS,
                      DATA_SERVICE_CODE,
                      DATA_SERVICE_MAPPING,
                      DataService,
)
from catalog.records.ids import IriFamily
from catalog.records.kinds import SERVER_OWNED, RecordKind, SearchField, SearchSpec

_SEARCH = SearchSpec((SearchField("title", (DCT + "title",)),
                      SearchField("keywords", (DCAT + "keyword",), many=True),
                      SearchField("description", (DCT + "description",))))

ASSET = RecordKind(
    name="asset", root_class=ASSET_CLASS, iris=IriFamily("id/asset/{code}"),
    labels={"ro": "activ semantic", "en": "semantic asset", "ru": "семантический актив"},
    code_predicate=DCT + "identifier", code_pattern=ASSET_CODE,
    code_example="asp-rsp-wsdl", authority_predicate=DCT + "publisher",
    shapes=("asset.ttl",), model=Asset, mapping=AssetMapping(), search=_SEARCH,
    import_order=5, path="assets", max_triples=250_000,
    # the asset's own ADMS status and release dates are its publisher's to state
    server_owned=SERVER_OWNED - {ADMS + "status", DCT + "issued", DCT + "modified"})

DATA_SERVICE = RecordKind(
    name="dataservice", root_class=DATA_SERVICE_CLASS, iris=IriFamily("id/data-service/{code}"),
    labels={"ro": "serviciu de date", "en": "data service", "ru": "сервис данных"},
    code_predicate=DCT + "identifier", code_pattern=DATA_SERVICE_CODE,
    code_example="ASP-rsp-person", authority_predicate=DCT + "publisher",
    shapes=("asset.ttl",), model=DataService, mapping=DATA_SERVICE_MAPPING, search=_SEARCH,
    import_order=6, path="data-services")
