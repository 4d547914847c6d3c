"""Messages of reading registries over SOAP and REST: a source that cannot be reached, answers
too slowly, too much or badly, a definition or a setting that cannot work. Texts never carry what
a registry answered (its body may be hostile or personal data): only its status, sizes, times
and the names of what was expected."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "registry.unreachable": {
        "en": "the registry at {value} cannot be reached ({reason})",
        "ro": "registrul de la {value} nu poate fi accesat ({reason})",
        "ru": "реестр по адресу {value} недоступен ({reason})"},
    "registry.timeout": {
        "en": "the registry at {value} did not answer within {limit} s ({phase})",
        "ro": "registrul de la {value} nu a răspuns în {limit} s ({phase})",
        "ru": "реестр по адресу {value} не ответил за {limit} с ({phase})"},
    "registry.status": {
        "en": "the registry at {value} answered HTTP {status}; expected 200",
        "ro": "registrul de la {value} a răspuns HTTP {status}; se aștepta 200",
        "ru": "реестр по адресу {value} ответил HTTP {status}; ожидался 200"},
    "registry.rate_limited": {
        "en": "the registry at {value} still refused with HTTP {status} after {attempts} "
              "attempts (it asked to wait {wait} s; at most {limit} s are allowed)",
        "ro": "registrul de la {value} a refuzat în continuare cu HTTP {status} după "
              "{attempts} încercări (a cerut o așteptare de {wait} s; se permit cel mult "
              "{limit} s)",
        "ru": "реестр по адресу {value} по-прежнему отвечает HTTP {status} после {attempts} "
              "попыток (просил ждать {wait} с; допускается не более {limit} с)"},
    "registry.redirect_other_host": {
        "en": "the registry at {value} redirected to another host ({host}); redirects are "
              "followed only on the same host",
        "ro": "registrul de la {value} a redirecționat către alt host ({host}); redirecționările "
              "sunt urmate doar pe același host",
        "ru": "реестр по адресу {value} перенаправил на другой хост ({host}); перенаправления "
              "выполняются только в пределах того же хоста"},
    "registry.too_many_redirects": {
        "en": "the registry at {value} redirected more than {limit} times",
        "ro": "registrul de la {value} a redirecționat de mai mult de {limit} ori",
        "ru": "реестр по адресу {value} перенаправил больше {limit} раз"},
    "registry.answer_too_large": {
        "en": "the answer of the registry at {value} is larger than {limit} bytes; it was cut "
              "there and nothing of it was used",
        "ro": "răspunsul registrului de la {value} depășește {limit} octeți; a fost întrerupt "
              "acolo și nu s-a folosit nimic din el",
        "ru": "ответ реестра по адресу {value} больше {limit} байт; он прерван на этом месте, "
              "и ничего из него не использовано"},
    "registry.answer_unsafe": {
        "en": "the answer of the registry at {value} declares a DOCTYPE or entities (XXE, "
              "entity expansion) and is refused",
        "ro": "răspunsul registrului de la {value} declară un DOCTYPE sau entități (XXE, "
              "expansiune de entități) și este refuzat",
        "ru": "ответ реестра по адресу {value} объявляет DOCTYPE или сущности (XXE, "
              "раскрытие сущностей) и отклонён"},
    "registry.answer_not_xml": {
        "en": "the answer of the registry at {value} is not well-formed XML (line {line}, "
              "column {column})",
        "ro": "răspunsul registrului de la {value} nu este XML bine format (linia {line}, "
              "coloana {column})",
        "ru": "ответ реестра по адресу {value} не является корректным XML (строка {line}, "
              "столбец {column})"},
    "registry.answer_not_json": {
        "en": "the answer of the registry at {value} is not JSON (line {line}, column {column})",
        "ro": "răspunsul registrului de la {value} nu este JSON (linia {line}, coloana {column})",
        "ru": "ответ реестра по адресу {value} не является JSON (строка {line}, столбец "
              "{column})"},
    "registry.answer_shape": {
        "en": "the answer of the registry at {value} does not have the expected shape: "
              "{shape}",
        "ro": "răspunsul registrului de la {value} nu are forma așteptată: {shape}",
        "ru": "ответ реестра по адресу {value} не имеет ожидаемой формы: {shape}"},
    "registry.soap_fault": {
        "en": "the registry at {value} answered with a SOAP fault (code {fault}); its text is "
              "kept out of reports, ask the registry's operator",
        "ro": "registrul de la {value} a răspuns cu o eroare SOAP (cod {fault}); textul ei nu "
              "este inclus în rapoarte, întrebați operatorul registrului",
        "ru": "реестр по адресу {value} ответил ошибкой SOAP (код {fault}); её текст не "
              "включается в отчёты, обратитесь к оператору реестра"},
    "registry.too_many_pages": {
        "en": "the registry at {value} gave more than {limit} pages; raise the source's page "
              "cap or narrow the request",
        "ro": "registrul de la {value} a dat mai mult de {limit} pagini; măriți limita de pagini "
              "a sursei sau restrângeți cererea",
        "ru": "реестр по адресу {value} выдал больше {limit} страниц; увеличьте лимит страниц "
              "источника или сузьте запрос"},
    "registry.cursor_repeated": {
        "en": "the registry at {value} gave the same next page twice ({field}); paging stopped "
              "to avoid a loop",
        "ro": "registrul de la {value} a dat de două ori aceeași pagină următoare ({field}); "
              "paginarea s-a oprit pentru a evita o buclă",
        "ru": "реестр по адресу {value} дважды указал одну и ту же следующую страницу "
              "({field}); постраничное чтение остановлено во избежание цикла"},
    "registry.bad_position": {
        "en": "the resume position {value!r} is not one this source wrote",
        "ro": "poziția de reluare {value!r} nu este una scrisă de această sursă",
        "ru": "позиция возобновления {value!r} не записана этим источником"},
    "registry.record_no_key": {
        "en": "record {index} of the answer has no key at {field}",
        "ro": "înregistrarea {index} din răspuns nu are cheie la {field}",
        "ru": "у записи {index} ответа нет ключа в {field}"},
    "registry.record_schema": {
        "en": "record {value!r} does not match the source's JSON Schema at {field}: {reason}",
        "ro": "înregistrarea {value!r} nu respectă schema JSON a sursei la {field}: {reason}",
        "ru": "запись {value!r} не соответствует JSON-схеме источника в {field}: {reason}"},
    "registry.schema_remote_ref": {
        "en": "the JSON Schema refers to {value}, outside the schemas given with the source; "
              "remote $ref are never fetched",
        "ro": "schema JSON trimite la {value}, în afara schemelor date cu sursa; $ref la "
              "distanță nu se descarcă niciodată",
        "ru": "JSON-схема ссылается на {value} вне схем, заданных с источником; удалённые "
              "$ref никогда не загружаются"},
    "registry.schema_invalid": {
        "en": "the source's JSON Schema {value} is not a valid schema: {reason}",
        "ro": "schema JSON {value} a sursei nu este o schemă validă: {reason}",
        "ru": "JSON-схема источника {value} недопустима: {reason}"},
    "registry.secret_missing": {
        "en": "the setting {field} that holds the source's secret is not set",
        "ro": "setarea {field} care conține secretul sursei nu este definită",
        "ru": "параметр {field}, в котором хранится секрет источника, не задан"},
    "registry.secret_name": {
        "en": "the secret's setting name {value!r} must look like SEMCAT_NAME (capitals, "
              "digits, _)",
        "ro": "numele setării secretului {value!r} trebuie să arate ca SEMCAT_NUME (majuscule, "
              "cifre, _)",
        "ru": "имя параметра секрета {value!r} должно иметь вид SEMCAT_NAME (заглавные буквы, "
              "цифры, _)"},
    "registry.wsdl_operation": {
        "en": "the WSDL has no operation {value!r}; it has: {known}",
        "ro": "WSDL-ul nu are operația {value!r}; are: {known}",
        "ru": "в WSDL нет операции {value!r}; есть: {known}"},
    "registry.wsdl_unreadable": {
        "en": "the WSDL {value} cannot be read as a service definition: {reason}",
        "ro": "WSDL-ul {value} nu poate fi citit ca definiție de serviciu: {reason}",
        "ru": "WSDL {value} не удаётся прочитать как описание сервиса: {reason}"},
    "registry.no_legal_basis": {
        "en": "service {value} has no article of a legal act in its legal basis; MConnect calls "
              "need one for CallBasis",
        "ro": "serviciul {value} nu are niciun articol de act normativ în temeiul juridic; "
              "apelurile MConnect au nevoie de unul pentru CallBasis",
        "ru": "у услуги {value} в правовом основании нет статьи нормативного акта; для "
              "CallBasis вызовов MConnect она нужна"},
    "registry.bad_identifier": {
        "en": "the X-Road {field} identifier {value!r} must be {expected}",
        "ro": "identificatorul X-Road {field} {value!r} trebuie să fie {expected}",
        "ru": "идентификатор X-Road {field} {value!r} должен иметь вид {expected}"},
    "registry.link_other_host": {
        "en": "the registry at {value} gave a next page on another host ({host}); pages are "
              "read only from the source's host",
        "ro": "registrul de la {value} a indicat pagina următoare pe alt host ({host}); paginile "
              "se citesc doar de pe hostul sursei",
        "ru": "реестр по адресу {value} указал следующую страницу на другом хосте ({host}); "
              "страницы читаются только с хоста источника"},
    "registry.bad_xpath": {
        "en": "the source's {field} {value!r} is not an XPath 1.0 expression (with the "
              "namespaces it declares)",
        "ro": "{field} {value!r} al sursei nu este o expresie XPath 1.0 (cu spațiile de nume "
              "declarate)",
        "ru": "{field} {value!r} источника не является выражением XPath 1.0 (с объявленными "
              "пространствами имён)"},
    "registry.request_invalid": {
        "en": "the source's request for operation {value} does not fit the WSDL: {reason}",
        "ro": "cererea sursei pentru operația {value} nu corespunde WSDL-ului: {reason}",
        "ru": "запрос источника для операции {value} не соответствует WSDL: {reason}"},
    "registry.record_xsd": {
        "en": "record {value!r} does not match the WSDL's schema of {field}: {reason}",
        "ro": "înregistrarea {value!r} nu respectă schema WSDL-ului pentru {field}: {reason}",
        "ru": "запись {value!r} не соответствует схеме WSDL для {field}: {reason}"},
    "registry.tls_files": {
        "en": "the source's TLS files ({value}) cannot be used: {reason}",
        "ro": "fișierele TLS ale sursei ({value}) nu pot fi folosite: {reason}",
        "ru": "TLS-файлы источника ({value}) невозможно использовать: {reason}"},
}
