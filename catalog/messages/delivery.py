"""Messages of the delivery side: input gates, RDF reading, search, SPARQL, the quad store,
the ledger database, idempotency, settings, HTTP and the SPARQL protocol."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- input gates (catalog/intake/gates.py) -------------------------------------------
    "input.too_large": {
        "en": "{what} is {size} bytes; at most {limit} bytes are accepted",
        "ro": "{what}: {size} octeți; se acceptă cel mult {limit} octeți",
        "ru": "{what}: {size} байт; принимается не более {limit} байт"},
    "input.too_deep": {
        "en": "{what} is nested more than {limit} levels deep; at most {limit} levels are "
              "accepted",
        "ro": "{what} are mai mult de {limit} niveluri de imbricare; se acceptă cel mult "
              "{limit}",
        "ru": "{what}: более {limit} уровней вложенности; допускается не более {limit}"},
    "input.xml_doctype": {
        "en": "XML with a DOCTYPE or entity declaration is refused",
        "ro": "XML cu declarație DOCTYPE sau ENTITY este refuzat",
        "ru": "XML с объявлением DOCTYPE или ENTITY отклоняется"},
    "input.not_utf8": {
        "en": "{what} is not valid UTF-8 (byte {byte})",
        "ro": "{what} nu este UTF-8 valid (octetul {byte})",
        "ru": "{what} не является корректным UTF-8 (байт {byte})"},
    "input.unstorable": {
        "en": "{field} contains U+{code_point:04X}, which cannot be stored",
        "ro": "{field} conține U+{code_point:04X}, care nu poate fi salvat",
        "ru": "{field} содержит U+{code_point:04X}, который невозможно сохранить"},
    "input.invisible": {
        "en": "{field} contains the invisible character U+{code_point:04X} at position "
              "{position}; identifiers must be visible text",
        "ro": "{field} conține caracterul invizibil U+{code_point:04X} la poziția {position}; "
              "identificatorii trebuie să fie text vizibil",
        "ru": "{field} содержит невидимый символ U+{code_point:04X} в позиции {position}; "
              "идентификаторы должны быть видимым текстом"},
    "input.control_in_text": {
        "en": "{field} contains the control character U+{code_point:04X} at position "
              "{position}; text may not hold bidirectional overrides, embeddings, isolates or "
              "control characters",
        "ro": "{field} conține caracterul de control U+{code_point:04X} la poziția "
              "{position}; textul nu poate conține suprascrieri, încorporări sau izolări "
              "bidirecționale ori caractere de control",
        "ru": "{field} содержит управляющий символ U+{code_point:04X} в позиции {position}; "
              "текст не может содержать переопределения, встраивания и изоляции направления "
              "письма или управляющие символы"},
    "input.literal_too_long": {
        "en": "{field} is {size} bytes long; a value may be at most {limit} bytes "
              "(SEMCAT_MAX_LITERAL_BYTES)",
        "ro": "{field} are {size} octeți; o valoare poate avea cel mult {limit} octeți "
              "(SEMCAT_MAX_LITERAL_BYTES)",
        "ru": "{field}: {size} байт; значение может занимать не более {limit} байт "
              "(SEMCAT_MAX_LITERAL_BYTES)"},
    # --- RDF and JSON reading (catalog/rdfio.py) -----------------------------------------
    "rdf.unknown_format": {
        "en": "unknown RDF format {value!r}",
        "ro": "format RDF necunoscut {value!r}",
        "ru": "неизвестный формат RDF {value!r}"},
    "rdf.jsonld_import": {
        "en": "JSON-LD @import is refused",
        "ro": "@import din JSON-LD este refuzat",
        "ru": "@import в JSON-LD отклоняется"},
    "rdf.jsonld_context": {
        "en": "JSON-LD context {value!r} is not one of the bundled contexts; remote and file "
              "contexts are never loaded",
        "ro": "Contextul JSON-LD {value!r} nu este printre cele incluse; contextele la distanță "
              "sau din fișiere nu se încarcă",
        "ru": "Контекст JSON-LD {value!r} не входит в число встроенных; удалённые и файловые "
              "контексты никогда не загружаются"},
    "rdf.malformed": {
        "en": "malformed {what}: {reason}",
        "ro": "{what} incorect: {reason}",
        "ru": "некорректный {what}: {reason}"},
    # --- search (catalog/projections/search) ---------------------------------------------
    "search.unknown_lang": {
        "en": "unknown language {value!r}",
        "ro": "limbă necunoscută {value!r}",
        "ru": "неизвестный язык {value!r}"},
    "search.limit": {
        "en": "limit must be between {low} and {high}",
        "ro": "limit trebuie să fie între {low} și {high}",
        "ru": "limit должен быть от {low} до {high}"},
    "search.cursor": {
        "en": "the cursor is not one this search returned",
        "ro": "cursorul nu provine din această căutare",
        "ru": "этот курсор не был выдан этим поиском"},
    "search.empty": {
        "en": "the search query is empty",
        "ro": "textul căutat este gol",
        "ru": "поисковый запрос пуст"},
    "search.too_long": {
        "en": "the search query has {length} characters; at most {limit} are allowed",
        "ro": "textul căutat are {length} caractere; sunt permise cel mult {limit}",
        "ru": "поисковый запрос содержит {length} символов; допускается не более {limit}"},
    # --- SPARQL queries (catalog/queries, catalog/store/sandbox.py) ----------------------
    "sparql.read_only": {
        "en": "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is "
              "refused",
        "ro": "acest punct de acces este doar pentru citire: SPARQL Update este refuzat",
        "ru": "эта точка доступа только для чтения: SPARQL Update отклоняется"},
    "sparql.syntax": {
        "en": "SPARQL syntax error at line {line}, column {column}: {reason}",
        "ro": "eroare de sintaxă SPARQL la linia {line}, coloana {column}: {reason}",
        "ru": "синтаксическая ошибка SPARQL в строке {line}, столбце {column}: {reason}"},
    "sparql.too_nested": {
        "en": "SPARQL query too deeply nested",
        "ro": "interogarea SPARQL este imbricată prea adânc",
        "ru": "запрос SPARQL слишком глубоко вложен"},
    "sparql.service": {
        "en": "SERVICE is refused: this endpoint never sends requests to other servers",
        "ro": "SERVICE este refuzat: acest punct de acces nu trimite cereri către alte servere",
        "ru": "SERVICE отклоняется: эта точка доступа никогда не отправляет запросы другим "
              "серверам"},
    "sparql.too_many_rows": {
        "en": "the answer has more than {max_rows} rows, the most this endpoint sends at once: "
              "page through it with ORDER BY, LIMIT {max_rows} (or less) and OFFSET",
        "ro": "răspunsul are mai mult de {max_rows} rânduri, cât trimite cel mult acest punct de "
              "acces o dată: parcurgeți-l pe pagini cu ORDER BY, LIMIT {max_rows} (sau mai puțin) "
              "și OFFSET",
        "ru": "в ответе больше {max_rows} строк — это наибольшее число, которое точка доступа "
              "отдаёт за раз: получайте его постранично с ORDER BY, LIMIT {max_rows} (или "
              "меньше) и OFFSET"},
    "sparql.too_large": {
        "en": "the answer is larger than {max_bytes} bytes, the most this endpoint sends at "
              "once: ask for smaller pages with ORDER BY, a lower LIMIT and OFFSET",
        "ro": "răspunsul depășește {max_bytes} octeți, cât trimite cel mult acest punct de acces "
              "o dată: cereți pagini mai mici cu ORDER BY, un LIMIT mai mic și OFFSET",
        "ru": "ответ больше {max_bytes} байт — это наибольший объём, который точка доступа "
              "отдаёт за раз: запрашивайте страницы меньше с ORDER BY, меньшим LIMIT и OFFSET"},
    "sparql.offset_too_large": {
        "en": "OFFSET {offset} is past the largest this endpoint takes ({max_offset}): narrow "
              "the query with a FILTER on the ORDER BY key of the last row seen instead",
        "ro": "OFFSET {offset} depășește cel mai mare admis de acest punct de acces "
              "({max_offset}): restrângeți interogarea cu un FILTER pe cheia ORDER BY a ultimului "
              "rând primit",
        "ru": "OFFSET {offset} больше наибольшего, который принимает точка доступа "
              "({max_offset}): сузьте запрос фильтром FILTER по ключу ORDER BY последней "
              "полученной строки"},
    "sparql.unsupported_form": {
        "en": "unsupported query form",
        "ro": "formă de interogare nesuportată",
        "ru": "неподдерживаемая форма запроса"},
    "sparql.error": {
        "en": "SPARQL error: {reason}",
        "ro": "eroare SPARQL: {reason}",
        "ru": "ошибка SPARQL: {reason}"},
    "sparql.too_many": {
        "en": "this client already has {running} queries running; at most {limit} at once: "
              "wait for one to finish",
        "ro": "acest client are deja {running} interogări în curs; cel mult {limit} simultan",
        "ru": "у этого клиента уже выполняется запросов: {running}; одновременно не более "
              "{limit}: дождитесь завершения одного из них"},
    "sparql.timeout": {
        "en": "the query ran longer than its {timeout_s:g} s limit and was stopped",
        "ro": "interogarea a depășit limita de {timeout_s:g} s și a fost oprită",
        "ru": "запрос выполнялся дольше лимита {timeout_s:g} с и был остановлен"},
    "sparql.remote_timeout": {
        "en": "the query ran longer than its {timeout_s:g} s limit",
        "ro": "interogarea a depășit limita de {timeout_s:g} s",
        "ru": "запрос выполнялся дольше лимита {timeout_s:g} с"},
    "sparql.remote_incomplete": {
        "en": "the SPARQL server returned an incomplete answer (cut at its own time limit)",
        "ro": "serverul SPARQL a întors un răspuns incomplet (tăiat la propria limită de timp)",
        "ru": "сервер SPARQL вернул неполный ответ (обрезанный по его собственному лимиту "
              "времени)"},
    "sparql.busy": {
        "en": "no query worker became free within {timeout_s:g} s; try again later",
        "ro": "niciun proces de interogare nu s-a eliberat în {timeout_s:g} s",
        "ru": "ни один обработчик запросов не освободился за {timeout_s:g} с; повторите позже"},
    "sparql.no_slot": {
        "en": "no query slot became free within {timeout_s:g} s",
        "ro": "niciun loc de interogare nu s-a eliberat în {timeout_s:g} s",
        "ru": "ни одно место для запроса не освободилось за {timeout_s:g} с"},
    "sparql.unwritable": {
        "en": "this answer cannot be written as {media_type}: {reason}",
        "ro": "acest răspuns nu poate fi scris ca {media_type}: {reason}",
        "ru": "этот ответ нельзя записать как {media_type}: {reason}"},
    # --- quad store (catalog/store, catalog/queries/endpoint.py) -------------------------
    "store.timeout": {
        "en": "the SPARQL server timed out during {what}",
        "ro": "serverul SPARQL nu a răspuns la timp în timpul operației {what}",
        "ru": "сервер SPARQL не ответил вовремя во время операции {what}"},
    "store.failed": {
        "en": "the SPARQL server failed during {what}: {reason}",
        "ro": "serverul SPARQL a eșuat în timpul operației {what}: {reason}",
        "ru": "сбой сервера SPARQL во время операции {what}: {reason}"},
    "store.malformed": {
        "en": "the SPARQL server sent an incomplete or malformed answer during {what}: {reason}",
        "ro": "serverul SPARQL a trimis un răspuns incomplet sau incorect în timpul operației "
              "{what}: {reason}",
        "ru": "сервер SPARQL прислал неполный или некорректный ответ во время операции "
              "{what}: {reason}"},
    "store.status": {
        "en": "the SPARQL server answered {status} to {what}: {text}",
        "ro": "serverul SPARQL a răspuns {status} la {what}: {text}",
        "ru": "сервер SPARQL ответил {status} на {what}: {text}"},
    "store.query_status": {
        "en": "the SPARQL server answered {status}: {text}",
        "ro": "serverul SPARQL a răspuns {status}: {text}",
        "ru": "сервер SPARQL ответил {status}: {text}"},
    "store.query_failed_remote": {
        "en": "the SPARQL server failed: {reason}",
        "ro": "serverul SPARQL a eșuat: {reason}",
        "ru": "сбой сервера SPARQL: {reason}"},
    "store.answer_too_large": {
        "en": "the SPARQL server's answer exceeds {limit} bytes",
        "ro": "răspunsul serverului SPARQL depășește {limit} octeți",
        "ru": "ответ сервера SPARQL превышает {limit} байт"},
    "store.cannot_open": {
        "en": "cannot open the embedded store at {path}: {reason} (is another semcat process "
              "using it?)",
        "ro": "depozitul din {path} nu poate fi deschis: {reason} (îl folosește alt proces "
              "semcat?)",
        "ru": "не удаётся открыть встроенное хранилище в {path}: {reason} (его использует "
              "другой процесс semcat?)"},
    "store.query_failed": {
        "en": "the query failed in its worker process; the reason is in the server's log",
        "ro": "interogarea a eșuat în procesul de lucru; motivul este în jurnalul serverului",
        "ru": "запрос завершился ошибкой в рабочем процессе; причина записана в журнал сервера"},
    "store.worker_boot": {
        "en": "a SPARQL query worker did not start (workers start like multiprocessing's "
              "forkserver children: a script that starts the hub needs an "
              "`if __name__ == \"__main__\":` guard)",
        "ro": "un proces de interogare SPARQL nu a pornit (un script care pornește hub-ul are "
              "nevoie de `if __name__ == \"__main__\":`)",
        "ru": "обработчик запросов SPARQL не запустился (скрипту, запускающему хаб, нужна "
              "защита `if __name__ == \"__main__\":`)"},
    "store.worker_died": {
        "en": "the query worker died; the query was not answered",
        "ro": "procesul de interogare s-a oprit; interogarea nu a primit răspuns",
        "ru": "обработчик запроса аварийно завершился; ответа на запрос нет"},
    "store.query_too_large": {
        "en": "the query needed more than {limit_mb} MB of memory and was stopped; narrow it "
              "(a LIMIT, more selective patterns, fewer joined variables)",
        "ro": "interogarea a avut nevoie de mai mult de {limit_mb} MB de memorie și a fost "
              "oprită; restrângeți-o (un LIMIT, tipare mai selective, mai puține variabile "
              "unite)",
        "ru": "запросу потребовалось больше {limit_mb} МБ памяти, и он был остановлен; сузьте "
              "его (LIMIT, более избирательные шаблоны, меньше соединяемых переменных)"},
    # --- ledger database (catalog/ledger) ------------------------------------------------
    "ledger.unavailable": {
        "en": "the ledger database cannot be read right now; try again later",
        "ro": "baza de date a registrului nu poate fi citită acum; reîncercați mai târziu",
        "ru": "база данных реестра сейчас недоступна для чтения; повторите позже"},
    "idempotency.bad_key": {
        "en": "Idempotency-Key must be 1 to 255 visible ASCII characters",
        "ro": "Idempotency-Key trebuie să aibă 1-255 caractere ASCII vizibile",
        "ru": "Idempotency-Key должен содержать от 1 до 255 видимых символов ASCII"},
    "idempotency.reused": {
        "en": "this Idempotency-Key was used for a different request; use a new key for a new "
              "request",
        "ro": "această cheie Idempotency-Key a fost folosită pentru o altă cerere; folosiți o "
              "cheie nouă",
        "ru": "этот Idempotency-Key уже использован для другого запроса; для нового запроса "
              "используйте новый ключ"},
    "idempotency.in_flight": {
        "en": "the first request with this Idempotency-Key is still being processed; retry in "
              "a few seconds",
        "ro": "prima cerere cu această cheie Idempotency-Key este încă în lucru; reîncercați "
              "în câteva secunde",
        "ru": "первый запрос с этим Idempotency-Key ещё обрабатывается; повторите через "
              "несколько секунд"},
    "idempotency.raced": {
        "en": "another request with this Idempotency-Key is being processed",
        "ro": "o altă cerere cu această cheie este în lucru",
        "ru": "другой запрос с этим Idempotency-Key уже обрабатывается"},
    # --- settings (catalog/settings.py) ---------------------------------------------------
    "settings.base_uri_slash": {
        "en": "SEMCAT_BASE_URI must end with '/'",
        "ro": "SEMCAT_BASE_URI trebuie să se termine cu '/'",
        "ru": "SEMCAT_BASE_URI должен заканчиваться на '/'"},
    "settings.workers_need_remote": {
        "en": "SEMCAT_WORKERS > 1 needs SEMCAT_SPARQL_URL: the embedded store is opened by one "
              "process only",
        "ro": "SEMCAT_WORKERS > 1 necesită SEMCAT_SPARQL_URL: depozitul încorporat este deschis "
              "de un singur proces",
        "ru": "SEMCAT_WORKERS > 1 требует SEMCAT_SPARQL_URL: встроенное хранилище открывает "
              "только один процесс"},
    "settings.timezone": {
        "en": "SEMCAT_TIMEZONE {value!r} is not a known time zone",
        "ro": "SEMCAT_TIMEZONE {value!r} nu este un fus orar cunoscut",
        "ru": "SEMCAT_TIMEZONE {value!r} не является известным часовым поясом"},
    "settings.public_base_uri": {
        "en": "SEMCAT_BASE_URI must be the public base in production",
        "ro": "În producție SEMCAT_BASE_URI trebuie să fie adresa publică",
        "ru": "В рабочей среде SEMCAT_BASE_URI должен быть публичным адресом"},
    # --- HTTP delivery (api/): requests, bodies, negotiation, authentication --------------
    "http.not_found": {
        "en": "no such resource",
        "ro": "resursa nu există",
        "ru": "такого ресурса нет"},
    "http.method_not_allowed": {
        "en": "method not allowed here",
        "ro": "metoda nu este permisă aici",
        "ru": "этот метод здесь не разрешён"},
    "http.invalid_request": {
        "en": "{field}: {reason}",
        "ro": "{field}: cerere invalidă ({reason})",
        "ru": "{field}: неверный запрос ({reason})"},
    "http.internal": {
        "en": "an unexpected error occurred; quote the request id {request_id} when reporting "
              "it",
        "ro": "a apărut o eroare neprevăzută; indicați identificatorul cererii {request_id} "
              "când o raportați",
        "ru": "произошла непредвиденная ошибка; при обращении укажите идентификатор запроса "
              "{request_id}"},
    "http.not_acceptable": {
        "en": "none of the requested types ({value}) can be served",
        "ro": "niciunul dintre tipurile cerute ({value}) nu poate fi servit",
        "ru": "ни один из запрошенных типов ({value}) не может быть выдан"},
    "http.body_too_large": {
        "en": "the body is {size} bytes; at most {limit} bytes are accepted",
        "ro": "corpul cererii are {size} octeți; se acceptă cel mult {limit}",
        "ru": "тело запроса занимает {size} байт; принимается не более {limit} байт"},
    "http.head_too_large": {
        "en": "the request line and headers are over {limit} bytes "
              "(SEMCAT_MAX_REQUEST_HEAD_BYTES)",
        "ro": "linia cererii și antetele depășesc {limit} octeți "
              "(SEMCAT_MAX_REQUEST_HEAD_BYTES)",
        "ru": "строка запроса и заголовки превышают {limit} байт "
              "(SEMCAT_MAX_REQUEST_HEAD_BYTES)"},
    "http.malformed": {
        "en": "the request is not valid HTTP/1.1 ({reason})",
        "ro": "cererea nu este HTTP/1.1 valid ({reason})",
        "ru": "запрос не является корректным HTTP/1.1 ({reason})"},
    "http.body_over": {
        "en": "the body is over {limit} bytes; at most {limit} are accepted",
        "ro": "corpul cererii depășește {limit} octeți",
        "ru": "тело запроса превышает {limit} байт; принимается не более {limit}"},
    "http.header_timeout": {
        "en": "the request's headers did not arrive within {seconds} s; the connection is closed",
        "ro": "antetele cererii nu au sosit în {seconds} s; conexiunea se închide",
        "ru": "заголовки запроса не пришли за {seconds} с; соединение закрывается"},
    "http.body_timeout": {
        "en": "the request's body came slower than {rate} bytes a second over {seconds} s; the "
              "connection is closed",
        "ro": "corpul cererii a sosit mai încet de {rate} octeți pe secundă timp de {seconds} s; "
              "conexiunea se închide",
        "ru": "тело запроса поступало медленнее {rate} байт в секунду в течение {seconds} с; "
              "соединение закрывается"},
    "auth.bearer_syntax": {
        "en": "the Authorization header must be: Bearer <token>",
        "ro": "antetul Authorization trebuie să fie: Bearer <token>",
        "ru": "заголовок Authorization должен иметь вид: Bearer <token>"},
    "auth.token_required": {
        "en": "this needs a bearer token: Authorization: Bearer <token> (issued with `semcat "
              "token create`)",
        "ro": "este nevoie de un token: Authorization: Bearer <token> (emis cu `semcat token "
              "create`)",
        "ru": "нужен токен: Authorization: Bearer <token> (выдаётся командой `semcat token "
              "create`)"},
    "catalogue.no_institution": {
        "en": "no institution with code {value!r}",
        "ro": "nu există instituția cu codul {value!r}",
        "ru": "нет учреждения с кодом {value!r}"},
    "catalogue.organisation_unpublished": {
        "en": "the organisation {value!r} is not published",
        "ro": "organizația {value!r} nu este publicată",
        "ru": "организация {value!r} не опубликована"},
    "catalogue.no_location": {
        "en": "no location {value!r}",
        "ro": "nu există locația {value!r}",
        "ru": "нет местоположения {value!r}"},
    # --- the SPARQL 1.1 Protocol (api/sparql_protocol.py) --------------------------------
    "protocol.not_utf8": {
        "en": "the {what} is not UTF-8 once percent-decoded",
        "ro": "{what} nu este UTF-8 după decodarea procentuală",
        "ru": "{what} не является UTF-8 после процентного декодирования"},
    "protocol.body_too_large": {
        "en": "the request body is {size} bytes; at most {limit} are accepted",
        "ro": "corpul cererii are {size} octeți; maximum {limit}",
        "ru": "тело запроса занимает {size} байт; принимается не более {limit}"},
    "protocol.body_over": {
        "en": "the request body is over {limit} bytes",
        "ro": "corpul cererii depășește {limit} octeți",
        "ru": "тело запроса превышает {limit} байт"},
    "protocol.update_refused": {
        "en": "this endpoint is read-only: SPARQL Update (update=, application/sparql-update) "
              "is refused",
        "ro": "acest punct de acces este doar pentru citire: SPARQL Update este refuzat",
        "ru": "эта точка доступа только для чтения: SPARQL Update отклоняется"},
    "protocol.one_query": {
        "en": "send one query per request (query= appears more than once)",
        "ro": "o singură interogare pe cerere (query= apare de mai multe ori)",
        "ru": "отправляйте один запрос за раз (query= встречается более одного раза)"},
    "protocol.charset": {
        "en": "a direct POST query must be UTF-8, not {value}",
        "ro": "interogarea trebuie să fie UTF-8, nu {value}",
        "ru": "прямой POST-запрос должен быть в UTF-8, а не {value}"},
    "protocol.query_not_utf8": {
        "en": "the query is not valid UTF-8",
        "ro": "interogarea nu este UTF-8 valid",
        "ru": "запрос не является корректным UTF-8"},
    "protocol.post_media": {
        "en": "a POST query needs Content-Type {form} or {direct} (got {value})",
        "ro": "o interogare POST trebuie trimisă ca {form} sau {direct} (primit: {value})",
        "ru": "POST-запросу нужен Content-Type {form} или {direct} (получено: {value})"},
    "gsp.graph_iri": {
        "en": "{field}={value!r} is not {expected}",
        "ro": "{field}={value!r} nu este {expected}",
        "ru": "{field}={value!r} не является {expected}"},
    "gsp.target": {
        "en": "name the graph: ?graph=IRI of a record, or ?default (the union of the records)",
        "ro": "numiți graful: ?graph=IRI al unei înregistrări, sau ?default (reuniunea "
              "înregistrărilor)",
        "ru": "укажите граф: ?graph=IRI записи или ?default (объединение записей)"},
    "gsp.read_only": {
        "en": "{value} is not allowed: the graph store is read-only (records are written "
              "through the publishing workflow); allowed: {expected}",
        "ro": "{value} nu este permis: depozitul de grafuri este doar pentru citire "
              "(înregistrările se scriu prin fluxul de publicare); permise: {expected}",
        "ru": "{value} не разрешён: хранилище графов только для чтения (записи изменяются "
              "через процесс публикации); разрешены: {expected}"},
    "gsp.no_graph": {
        "en": "the catalogue has no graph {value}",
        "ro": "catalogul nu are graful {value}",
        "ru": "в каталоге нет графа {value}"},
    "protocol.missing_query": {
        "en": "no query: send query=... in the body (or ?query=...); a GET without a query "
              "gives the service description",
        "ro": "lipsește interogarea: trimiteți query=... în corp (sau ?query=...); un GET fără "
              "interogare dă descrierea serviciului",
        "ru": "нет запроса: отправьте query=... в теле (или ?query=...); GET без запроса "
              "выдаёт описание сервиса"},
    "protocol.format": {
        "en": "format={value} cannot be served for this query",
        "ro": "formatul {value} nu poate fi servit pentru această interogare",
        "ru": "format={value} не может быть выдан для этого запроса"},
}
