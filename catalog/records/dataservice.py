"""The registry data service (``dcat:DataService``): a service a registry exposes on the
interoperability platform, the organisation that serves it, its endpoint and the description
of that endpoint (a harvested WSDL or OpenAPI asset), the registry it reads and the elements
of that description that carry the registry's data.

A passport's evidence points to the data service that can supply it (``sc:dataService``) and
to the element that carries it (``sc:dataElement``): :mod:`catalog.records.passport`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from catalog.namespaces import DCAT, DCT, SC
from catalog.records.mapping import Field as Mapped
from catalog.records.mapping import FieldMapping

DATA_SERVICE_CLASS = DCAT + "DataService"
DATA_SERVICE_CODE = r"[A-Z][A-Z0-9]{1,9}-[a-z0-9][a-z0-9-]{1,50}"


class DataService(BaseModel):
    """A registry's data service."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=f"^{DATA_SERVICE_CODE}$", description="e.g. ASP-rsp-person")
    title: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    publisher: str = Field(description="The organisation that serves it.")
    registry: dict[str, str] = Field(default_factory=dict, description="The name of the "
                                     "registry it reads, as passports name it "
                                     "(sc:registrySource).")
    endpoint_url: str | None = None
    endpoint_description: str | None = Field(
        default=None, description="The asset that describes the endpoint (a harvested WSDL "
        "or OpenAPI).")
    provides: list[str] = Field(default_factory=list, description="Elements of the "
                                "endpoint description that carry the registry's data.")
    themes: list[str] = Field(default_factory=list)


DATA_SERVICE_MAPPING = FieldMapping(DataService, DATA_SERVICE_CLASS, [
    Mapped("code", DCT + "identifier", "code"),
    Mapped("title", DCT + "title", "langmap"),
    Mapped("description", DCT + "description", "langmap"),
    Mapped("keywords", DCAT + "keyword", "langlists"),
    Mapped("publisher", DCT + "publisher", "iri"),
    Mapped("registry", SC + "registryName", "langmap"),
    Mapped("endpoint_url", DCAT + "endpointURL", "iri"),
    Mapped("endpoint_description", DCAT + "endpointDescription", "iri"),
    Mapped("provides", SC + "providesElement", "iris"),
    Mapped("themes", DCAT + "theme", "iris"),
])
