"""The nomenclature as a SOAP service for legacy systems (``/soap/nomenclature``)."""

from api.soap.routes import router

__all__ = ["router"]
