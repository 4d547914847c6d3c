"""Messages of reading service definitions (WSDL, XSD, OpenAPI, JSON Schema) and their bundles."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "definitions.outside_bundle": {
        "en": "{field} {value!r} is refused: {why}; definitions are read only from the files "
              "uploaded with them and the schemas the hub ships",
        "ro": "{field} {value!r} este refuzat: {why}; definițiile se citesc doar din fișierele "
              "încărcate împreună cu ele și din schemele livrate cu hubul",
        "ru": "{field} {value!r} отклонён: {why}; определения читаются только из загруженных "
              "вместе с ними файлов и схем, поставляемых с хабом"},
    "definitions.missing_file": {
        "en": "{field} {value!r} names {name}, which is not in the bundle: upload it with the "
              "definition (a zip of all the files)",
        "ro": "{field} {value!r} indică {name}, care nu este în pachet: încărcați-l împreună "
              "cu definiția (o arhivă zip cu toate fișierele)",
        "ru": "{field} {value!r} указывает на {name}, которого нет в пакете: загрузите его "
              "вместе с определением (zip-архив со всеми файлами)"},
    "definitions.too_many_files": {
        "en": "the bundle has more than {limit} files",
        "ro": "pachetul are mai mult de {limit} fișiere",
        "ru": "в пакете больше {limit} файлов"},
    "definitions.file_too_large": {
        "en": "{value} is larger than {limit} bytes",
        "ro": "{value} depășește {limit} octeți",
        "ru": "{value} больше {limit} байт"},
    "definitions.bundle_too_large": {
        "en": "the bundle's files hold more than {limit} bytes in all",
        "ro": "fișierele pachetului depășesc în total {limit} octeți",
        "ru": "файлы пакета в сумме больше {limit} байт"},
    "definitions.bad_zip": {
        "en": "the bundle is not a readable zip archive: {reason}",
        "ro": "pachetul nu este o arhivă zip lizibilă: {reason}",
        "ru": "пакет не является читаемым zip-архивом: {reason}"},
    "definitions.not_xml": {
        "en": "{value} is not well-formed XML (line {line}, column {column}): {reason}",
        "ro": "{value} nu este XML bine format (linia {line}, coloana {column}): {reason}",
        "ru": "{value} не является корректным XML (строка {line}, столбец {column}): {reason}"},
}
