"""Messages of semantic assets: harvesting definitions into elements, their files, the
once-only report."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "assets.bad_definition": {
        "en": "{value} cannot be read as a definition: {reason}",
        "ro": "{value} nu poate fi citit ca definiție: {reason}",
        "ru": "{value} не читается как определение: {reason}"},
    "assets.too_many_elements": {
        "en": "the definition has more than {limit} elements",
        "ro": "definiția are mai mult de {limit} elemente",
        "ru": "в определении больше {limit} элементов"},
    "assets.unknown_format": {
        "en": "{value} is not a WSDL, an XML Schema, an OpenAPI document, a JSON Schema or a "
              "zip of them",
        "ro": "{value} nu este WSDL, XML Schema, document OpenAPI, JSON Schema sau o arhivă "
              "zip a acestora",
        "ru": "{value} не является WSDL, XML Schema, документом OpenAPI, JSON Schema или "
              "zip-архивом из них"},
    "assets.nothing_to_harvest": {
        "en": "the bundle holds no WSDL, XML Schema, OpenAPI document or JSON Schema",
        "ro": "pachetul nu conține niciun WSDL, XML Schema, document OpenAPI sau JSON Schema",
        "ru": "в пакете нет ни WSDL, ни XML Schema, ни документа OpenAPI, ни JSON Schema"},
    "assets.yaml_alias": {
        "en": "{value}: YAML anchors and aliases are refused (they can expand without bound)",
        "ro": "{value}: ancorele și aliasurile YAML sunt refuzate (se pot extinde nelimitat)",
        "ru": "{value}: якоря и псевдонимы YAML отклоняются (они могут расширяться без "
              "предела)"},
    "assets.too_deep": {
        "en": "{value} nests deeper than {limit} levels",
        "ro": "{value} are o imbricare mai adâncă de {limit} niveluri",
        "ru": "{value} вложен глубже {limit} уровней"},
    "assets.file_not_found": {
        "en": "asset {code} has no file {value!r}",
        "ro": "activul {code} nu are fișierul {value!r}",
        "ru": "у актива {code} нет файла {value!r}"},
}
