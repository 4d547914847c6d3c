"""Messages of the nomenclature out: the SOAP service for legacy systems and the change
notifications sent to subscribers."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- the SOAP service (api/soap/) ---------------------------------------------------------
    "soap.not_xml": {
        "en": "the request is not well-formed XML: {reason}",
        "ro": "cererea nu este XML bine format: {reason}",
        "ru": "запрос не является корректным XML: {reason}"},
    "soap.not_envelope": {
        "en": "the request is not a SOAP 1.1 envelope (root {{{namespace}}}{name})",
        "ro": "cererea nu este un plic SOAP 1.1 (rădăcina {{{namespace}}}{name})",
        "ru": "запрос не является конвертом SOAP 1.1 (корень {{{namespace}}}{name})"},
    "soap.no_operation": {
        "en": "the SOAP Body holds no operation element",
        "ro": "elementul Body al mesajului SOAP nu conține nicio operație",
        "ru": "элемент Body сообщения SOAP не содержит операции"},
    "soap.unknown_operation": {
        "en": "there is no operation {value} in this service",
        "ro": "serviciul nu are operația {value}",
        "ru": "в этой службе нет операции {value}"},
    "soap.missing_argument": {
        "en": "{operation}: the element {field} is required",
        "ro": "{operation}: elementul {field} este obligatoriu",
        "ru": "{operation}: элемент {field} обязателен"},
    "soap.not_integer": {
        "en": "{field}: {value!r} is not a whole number from {low} to {high}",
        "ro": "{field}: {value!r} nu este un număr întreg între {low} și {high}",
        "ru": "{field}: {value!r} не является целым числом от {low} до {high}"},
    "soap.internal": {
        "en": "the service failed to answer (request {request_id}); the error is logged",
        "ro": "serviciul nu a putut răspunde (cererea {request_id}); eroarea este jurnalizată",
        "ru": "служба не смогла ответить (запрос {request_id}); ошибка записана в журнал"},
    # --- change notifications (adapters/notify/) ----------------------------------------------
    "notify.url_scheme": {
        "en": "url: {value!r} is not an http or https address",
        "ro": "url: {value!r} nu este o adresă http sau https",
        "ru": "url: {value!r} не является адресом http или https"},
    "notify.url_credentials": {
        "en": "url: an address with a user name or password is refused; the events are signed",
        "ro": "url: o adresă cu nume de utilizator sau parolă este refuzată; evenimentele "
              "sunt semnate",
        "ru": "url: адрес с именем пользователя или паролем отклоняется; события подписываются"},
    "notify.url_unresolved": {
        "en": "url: the host {host} cannot be resolved",
        "ro": "url: numele {host} nu poate fi rezolvat",
        "ru": "url: не удаётся разрешить имя {host}"},
    "notify.url_private": {
        "en": "url: {host} resolves to {address}, which is not a public address ({what}); "
              "subscribers must be reachable on the public network "
              "(SEMCAT_NOTIFY_ALLOW_PRIVATE allows others)",
        "ro": "url: {host} corespunde adresei {address}, care nu este publică ({what}); "
              "abonații trebuie să fie accesibili în rețeaua publică "
              "(SEMCAT_NOTIFY_ALLOW_PRIVATE permite altele)",
        "ru": "url: {host} разрешается в {address}, а это не публичный адрес ({what}); "
              "подписчики должны быть доступны из публичной сети "
              "(SEMCAT_NOTIFY_ALLOW_PRIVATE разрешает другие)"},
    "notify.no_subscription": {
        "en": "there is no subscription {value}",
        "ro": "nu există abonamentul {value}",
        "ru": "подписки {value} не существует"},
    "notify.unknown_kind": {
        "en": "kinds: {value!r} is not a kind of record of this hub",
        "ro": "kinds: {value!r} nu este un tip de înregistrare al acestui hub",
        "ru": "kinds: {value!r} не является типом записи этого хаба"},
    "notify.start_after": {
        "en": "after: {value} is past the last change ({last})",
        "ro": "after: {value} este după ultima modificare ({last})",
        "ru": "after: {value} больше номера последнего изменения ({last})"},
}
