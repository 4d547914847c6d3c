"""Service definitions (WSDL, XSD, OpenAPI, JSON Schema) read safely: :mod:`.bundle` keeps every
read inside a local bundle of files; the X-Road schemas that definitions import remotely ship
in ``xroad/`` (MIT, NIIS; ``xml.xsd`` W3C) and are mapped by :data:`.bundle.XROAD_SCHEMAS`."""
