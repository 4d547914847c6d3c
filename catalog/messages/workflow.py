"""Messages of writing and reading records through the workflow: the ledger's versions, who may
act (tokens, roles, institutions), publishing, history, bulk imports, and the record routes of
the API.

``{kind}`` is a record kind's label, or a phrase the call site chose per language (a
:class:`catalog.messages.Localized`): the English says "passport" for services where it always
did, the Romanian keeps its own wording ("înregistrarea"), the Russian names the kind in
quotes after a noun ("запись типа «...»") so that its case never depends on the label.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- the ledger (catalog/ledger/repository.py) ---------------------------------------
    "ledger.concurrent_write": {
        "en": "a concurrent write used the same version number; retry",
        "ro": "o scriere concurentă a folosit același număr de versiune; reîncercați",
        "ru": "параллельная запись использовала тот же номер версии; повторите попытку"},
    "ledger.kind_mismatch": {
        "en": "{value} is a {stored} record, not a {sent}",
        "ro": "{value} este o înregistrare {stored}, nu {sent}",
        "ru": "{value} — запись типа {stored}, а не {sent}"},
    "ledger.no_record": {
        "en": "no record {value}",
        "ro": "nu există înregistrarea {value}",
        "ru": "нет записи {value}"},
    "ledger.no_version": {
        "en": "{iri} has no version {value}",
        "ro": "{iri} nu are versiunea {value}",
        "ru": "у {iri} нет версии {value}"},
    # --- who may act (catalog/workflow/access.py) ----------------------------------------
    "access.not_owner": {
        "en": "{institution} may not write the passport {code}: its competent authority is "
              "{authority}, not {institution_iri}",
        "ro": "{institution} nu poate modifica pașaportul {code}: autoritatea competentă este "
              "{authority}, nu {institution_iri}",
        "ru": "{institution} не может изменять паспорт {code}: его компетентный орган — "
              "{authority}, а не {institution_iri}"},
    "access.review_role": {
        "en": "{act} needs the reviewer or admin role, not {value}",
        "ro": "{act} cere rolul reviewer sau admin, nu {value}",
        "ru": "{act}: требуется роль reviewer или admin, а не {value}"},
    "access.review_role_passport": {
        "en": "{act} the passport {code} needs the reviewer or admin role, not {value}",
        "ro": "{act} pașaportului {code} cere rolul reviewer sau admin, nu {value}",
        "ru": "{act} паспорта {code}: требуется роль reviewer или admin, а не {value}"},
    "access.admin_role": {
        "en": "this needs the admin role",
        "ro": "acțiunea cere rolul admin",
        "ru": "для этого нужна роль admin"},
    "access.unknown_role": {
        "en": "unknown role {value!r}",
        "ro": "rol necunoscut {value!r}",
        "ru": "неизвестная роль {value!r}"},
    "access.token_unknown": {
        "en": "the bearer token is unknown or revoked",
        "ro": "tokenul este necunoscut sau revocat",
        "ru": "токен неизвестен или отозван"},
    "access.no_token": {
        "en": "no token {value}",
        "ro": "nu există tokenul {value}",
        "ru": "нет токена {value}"},
    # --- records of a kind (catalog/workflow/publishing.py, history.py) ------------------
    "record.no_such": {
        "en": "no {kind} with code {value!r}",
        "ro": "nu există {kind} cu codul {value!r}",
        "ru": "нет записи типа «{kind}» с кодом {value!r}"},
    "record.exists": {
        "en": "a {kind} with code {value!r} exists; change it with PUT or PATCH",
        "ro": "{kind} cu codul {value!r} există deja; modificați-l cu PUT sau PATCH",
        "ru": "запись типа «{kind}» с кодом {value!r} уже существует; измените её через PUT "
              "или PATCH"},
    "record.problems": {
        "en": "the {kind} {value} has {count} problem(s); nothing was stored",
        "ro": "{kind} {value} are {count} problem(e); nu s-a salvat nimic",
        "ru": "{kind} {value}: найдено проблем: {count}; ничего не сохранено"},
    # --- publishing (catalog/workflow/publishing.py) -------------------------------------
    "publish.if_match_required": {
        "en": "say which version you change: send If-Match: {etag}",
        "ro": "indicați versiunea modificată: trimiteți If-Match: {etag}",
        "ru": "укажите, какую версию вы изменяете: отправьте If-Match: {etag}"},
    "publish.if_match_stale": {
        "en": "If-Match does not name the current version: version {number} ({etag}) is; read "
              "it and retry",
        "ro": "If-Match nu indică versiunea curentă: aceasta este versiunea {number} ({etag}); "
              "citiți-o și reîncercați",
        "ru": "If-Match не указывает текущую версию: текущая — версия {number} ({etag}); "
              "прочитайте её и повторите"},
    "publish.no_code": {
        "en": "the {kind} has no code: give it a <{predicate}> such as {example}",
        "ro": "{kind} nu are cod: dați-i un <{predicate}>, de ex. {example}",
        "ru": "{kind}: нет кода; укажите <{predicate}>, например {example}"},
    "publish.code_patched": {
        "en": "the code of a {kind} cannot be patched",
        "ro": "codul {kind} nu poate fi modificat",
        "ru": "код {kind} нельзя изменить через PATCH"},
    "publish.reference_admin": {
        "en": "only an admin imports reference data ({value} {iri})",
        "ro": "doar un administrator importă date de referință ({value} {iri})",
        "ru": "справочные данные импортирует только администратор ({value} {iri})"},
    "publish.import_refused": {
        "en": "{count} record(s) of this import may not be written by {who}; nothing was "
              "written (first: {first})",
        "ro": "{count} înregistrări din acest import nu pot fi scrise de {who}; nu s-a scris "
              "nimic (prima: {first})",
        "ru": "записей этого импорта, которые {who} не может записать: {count}; ничего не "
              "записано (первая: {first})"},
    "publish.not_published": {
        "en": "the {kind} {code} is not published",
        "ro": "{kind} {code} nu este publicat",
        "ru": "запись типа «{kind}» {code} не опубликована"},
    "publish.bad_move": {
        "en": "{version} cannot become {to}",
        "ro": "{version} nu poate trece în {to}",
        "ru": "{version} не может перейти в состояние {to}"},
    "publish.other_record": {
        "en": "the document must describe the {kind} {expected}, not {value}",
        "ro": "documentul trebuie să descrie {kind} {expected}, nu {value}",
        "ru": "документ должен описывать запись типа «{kind}» {expected}, а не {value}"},
    "publish.code_differs": {
        "en": "dct:identifier is {value!r}, the code is {code!r}",
        "ro": "dct:identifier este {value!r}, codul este {code!r}",
        "ru": "dct:identifier равен {value!r}, а код — {code!r}"},
    # --- history (catalog/workflow/history.py) -------------------------------------------
    "history.no_service": {
        "en": "no service with code {value!r}",
        "ro": "nu există serviciul cu codul {value!r}",
        "ru": "нет услуги с кодом {value!r}"},
    "history.no_version": {
        "en": "the {record} {code} has no version {value}",
        "ro": "{record} {code} nu are versiunea {value}",
        "ru": "{record} {code}: нет версии {value}"},
    "history.unpublished_passport": {
        "en": "{code} has no published version {value}; unpublished versions are shown to the "
              "owning institution and reviewers only (send their bearer token)",
        "ro": "pașaportul {code} nu are o versiune publicată {value}; versiunile nepublicate se "
              "arată doar instituției titulare și revizorilor",
        "ru": "у паспорта {code} нет опубликованной версии {value}; неопубликованные версии "
              "показываются только учреждению-владельцу и рецензентам (отправьте их токен)"},
    "history.unpublished_record": {
        "en": "{code} has no published version {value}; unpublished versions are shown to the "
              "owning institution and reviewers only (send their bearer token)",
        "ro": "înregistrarea {code} nu are o versiune publicată {value}; versiunile nepublicate "
              "se arată doar instituției titulare și revizorilor",
        "ru": "у записи {code} нет опубликованной версии {value}; неопубликованные версии "
              "показываются только учреждению-владельцу и рецензентам (отправьте их токен)"},
    "history.not_in_force": {
        "en": "the {record} {code} was not in force on {value}: {why}",
        "ro": "{record} {code} nu era în vigoare la {value}: {why}",
        "ru": "{record} {code}: на {value} нет действующей версии: {why}"},
    # --- bulk imports (catalog/workflow/bulk.py) -----------------------------------------
    "bulk.unknown_kind": {
        "en": "{iri} is of no kind this catalogue knows",
        "ro": "{iri} nu are un tip cunoscut",
        "ru": "{iri} не относится ни к одному типу, известному этому каталогу"},
    "bulk.needs_code": {
        "en": "a {kind} needs its code (<{predicate}>)",
        "ro": "un {kind} are nevoie de cod (<{predicate}>)",
        "ru": "записи типа «{kind}» нужен код (<{predicate}>)"},
    "bulk.refused": {
        "en": "{rejected} of {total} records are refused; nothing was written (first: {first})",
        "ro": "{rejected} din {total} înregistrări sunt refuzate; nu s-a scris nimic (prima: "
              "{first})",
        "ru": "отклонено записей: {rejected} из {total}; ничего не записано (первая: {first})"},
    # --- the record routes and pages of the API (api/routes, api/pages) ------------------
    "records.as_of": {
        "en": "as_of {value!r} is not a date",
        "ro": "as_of {value!r} nu este o dată",
        "ru": "as_of {value!r} не является датой"},
    "records.body_media": {
        "en": "a record is sent as {expected}, not {value}",
        "ro": "o înregistrare se trimite ca {expected}, nu {value}",
        "ru": "запись отправляется как {expected}, а не {value}"},
    "publishing.bulk_media": {
        "en": "an import file is sent as {expected}, not {value}",
        "ro": "un fișier de import se trimite ca {expected}, nu {value}",
        "ru": "файл импорта отправляется как {expected}, а не {value}"},
    "records.patch_media": {
        "en": "PATCH takes application/merge-patch+json, not {value}",
        "ro": "PATCH acceptă application/merge-patch+json, nu {value}",
        "ru": "PATCH принимает application/merge-patch+json, а не {value}"},
    "pages.format": {
        "en": "format={value!r} is not offered",
        "ro": "formatul {value!r} nu este oferit",
        "ru": "format={value!r} не предлагается"},
}
