"""Adapters: registry SOAP/REST sources and files turned into catalog records.

Empty until the adapters issue; it calls :mod:`catalog`, never the other way round.
"""

__all__: list[str] = []
