"""The words of the institutions' pages (login, my passports, history, the reviewers' desk) in
Romanian, English and Russian, and the one function that renders them."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse

from api.errors import status_for
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from catalog.errors import CatalogError

_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    # login
    "login": {"ro": "Autentificare", "en": "Sign in", "ru": "Вход"},
    "login_intro": {"ro": "Lipiți tokenul API al instituției (emis de administrator cu "
                    "`semcat token create`). Tokenul nu este păstrat în browser: primiți o "
                    "sesiune care expiră.",
                    "en": "Paste your institution's API token (issued by an administrator with "
                    "`semcat token create`). The token is not kept in the browser: you get a "
                    "session that expires.",
                    "ru": "Вставьте API-токен вашего учреждения (выдаётся администратором "
                    "командой `semcat token create`). Токен не хранится в браузере: вы "
                    "получаете сессию с ограниченным сроком."},
    "token": {"ro": "Token API", "en": "API token", "ru": "API-токен"},
    "sign_in": {"ro": "Intră", "en": "Sign in", "ru": "Войти"},
    "sign_out": {"ro": "Ieșire", "en": "Sign out", "ru": "Выйти"},
    "signed_in_as": {"ro": "Autentificat ca", "en": "Signed in as", "ru": "Вы вошли как"},
    "bad_token": {"ro": "Tokenul este necunoscut sau revocat.",
                  "en": "The token is unknown or revoked.",
                  "ru": "Токен неизвестен или отозван."},
    "empty_token": {"ro": "Introduceți tokenul.", "en": "Enter the token.",
                    "ru": "Введите токен."},
    "throttled": {"ro": "Prea multe încercări eșuate. Reîncercați peste un minut.",
                  "en": "Too many failed attempts. Try again in a minute.",
                  "ru": "Слишком много неудачных попыток. Повторите через минуту."},
    "stale_form": {"ro": "Formularul a expirat. Încercați din nou.",
                   "en": "The form has expired. Please try again.",
                   "ru": "Срок действия формы истёк. Попробуйте ещё раз."},
    "role_publisher": {"ro": "publicator", "en": "publisher", "ru": "публикатор"},
    "role_reviewer": {"ro": "recenzent", "en": "reviewer", "ru": "рецензент"},
    "role_admin": {"ro": "administrator", "en": "administrator", "ru": "администратор"},
    # my passports
    "my": {"ro": "Pașapoartele mele", "en": "My passports", "ru": "Мои паспорта"},
    "new": {"ro": "Pașaport nou", "en": "New passport", "ru": "Новый паспорт"},
    "desk": {"ro": "Masa recenzentului", "en": "Reviewers' desk", "ru": "Стол рецензента"},
    "code": {"ro": "Cod", "en": "Code", "ru": "Код"},
    "title": {"ro": "Denumire", "en": "Title", "ru": "Название"},
    "state": {"ro": "Stare", "en": "State", "ru": "Состояние"},
    "actions": {"ro": "Acțiuni", "en": "Actions", "ru": "Действия"},
    "edit": {"ro": "Editează", "en": "Edit", "ru": "Изменить"},
    "history": {"ro": "Istoric", "en": "History", "ru": "История"},
    "public_page": {"ro": "Pagina publică", "en": "Public page", "ru": "Публичная страница"},
    "my_states": {"ro": "Pașapoarte pe stări", "en": "Passports by state",
                  "ru": "Паспорта по состояниям"},
    "my_pages": {"ro": "Paginile pașapoartelor", "en": "Pages of passports",
                 "ru": "Страницы паспортов"},
    "of": {"ro": "din", "en": "of", "ru": "из"},
    "page": {"ro": "Pagina", "en": "Page", "ru": "Страница"},
    "previous": {"ro": "Pagina anterioară", "en": "Previous page",
                 "ru": "Предыдущая страница"},
    "next": {"ro": "Pagina următoare", "en": "Next page", "ru": "Следующая страница"},
    "none_yet": {"ro": "Nicio înregistrare încă.", "en": "No records yet.",
                 "ru": "Записей пока нет."},
    "sent_back": {"ro": "Returnat spre revizuire", "en": "Sent back", "ru": "Возвращено"},
    "review_needed": {"ro": "De revizuit: poziția din nomenclator s-a schimbat",
                      "en": "Review needed: the nomenclature entry changed",
                      "ru": "Требуется пересмотр: позиция номенклатуры изменилась"},
    "review_needed_since": {
        "ro": "Poziția {entry} a fost modificată la {changed}, după ultima publicare a "
              "pașaportului. Publicați o versiune revizuită.",
        "en": "The entry {entry} changed on {changed}, after the passport was last published. "
              "Publish a reviewed version.",
        "ru": "Позиция {entry} изменена {changed}, после последней публикации паспорта. "
              "Опубликуйте пересмотренную версию."},
    "reason": {"ro": "Motiv", "en": "Reason", "ru": "Причина"},
    "published_version": {"ro": "versiunea publicată", "en": "published version",
                          "ru": "опубликованная версия"},
    "status_draft": {"ro": "ciornă", "en": "draft", "ru": "черновик"},
    "status_submitted": {"ro": "trimis spre aprobare", "en": "submitted",
                         "ru": "на рассмотрении"},
    "status_published": {"ro": "publicat", "en": "published", "ru": "опубликован"},
    "status_withdrawn": {"ro": "retras", "en": "withdrawn", "ru": "отозван"},
    "status_superseded": {"ro": "înlocuit", "en": "superseded", "ru": "заменён"},
    "status_rejected": {"ro": "returnat", "en": "sent back", "ru": "возвращён"},
    # history and diffs
    "history_of": {"ro": "Istoricul", "en": "History of", "ru": "История"},
    "version": {"ro": "Versiunea", "en": "Version", "ru": "Версия"},
    "versions": {"ro": "Versiuni", "en": "Versions", "ru": "Версии"},
    "who": {"ro": "Cine", "en": "Who", "ru": "Кто"},
    "when": {"ro": "Când", "en": "When", "ru": "Когда"},
    "transition": {"ro": "Tranziție", "en": "Transition", "ru": "Переход"},
    "transitions": {"ro": "Tranziții", "en": "Transitions", "ru": "Переходы"},
    "compare": {"ro": "Compară", "en": "Compare", "ru": "Сравнить"},
    "from": {"ro": "De la versiunea", "en": "From version", "ru": "С версии"},
    "to": {"ro": "La versiunea", "en": "To version", "ru": "До версии"},
    "diff": {"ro": "Diferențe", "en": "Differences", "ru": "Различия"},
    "diff_between": {"ro": "Diferențe între versiunile", "en": "Differences between versions",
                     "ru": "Различия между версиями"},
    "field": {"ro": "Câmp", "en": "Field", "ru": "Поле"},
    "before": {"ro": "Înainte", "en": "Before", "ru": "Было"},
    "after": {"ro": "După", "en": "After", "ru": "Стало"},
    "no_changes": {"ro": "Nicio diferență.", "en": "No differences.", "ru": "Различий нет."},
    "added": {"ro": "adăugat", "en": "added", "ru": "добавлено"},
    "removed": {"ro": "eliminat", "en": "removed", "ru": "удалено"},
    "changed": {"ro": "modificat", "en": "changed", "ru": "изменено"},
    # the desk
    "queue": {"ro": "Pașapoarte trimise spre aprobare", "en": "Passports submitted for review",
              "ru": "Паспорта на рассмотрении"},
    "queue_empty": {"ro": "Nu așteaptă nimic.", "en": "Nothing is waiting.",
                    "ru": "Ничего не ожидает."},
    "institution": {"ro": "Instituția", "en": "Institution", "ru": "Учреждение"},
    "submitted_at": {"ro": "Trimis la", "en": "Submitted", "ru": "Отправлено"},
    "review": {"ro": "Examinează", "en": "Review", "ru": "Рассмотреть"},
    "against_published": {"ro": "Față de versiunea publicată",
                          "en": "Against the published version",
                          "ru": "По сравнению с опубликованной версией"},
    "first_version": {"ro": "Prima versiune: nu există o versiune publicată.",
                      "en": "A first version: nothing is published yet.",
                      "ru": "Первая версия: опубликованной версии нет."},
    "findings": {"ro": "Verificări de consecvență (dacă ar fi publicat)",
                 "en": "Consistency checks (as if published)",
                 "ru": "Проверки согласованности (как если бы опубликовано)"},
    "no_findings": {"ro": "Nicio problemă găsită.", "en": "No findings.",
                    "ru": "Замечаний нет."},
    "severity": {"ro": "Gravitate", "en": "Severity", "ru": "Важность"},
    "rule": {"ro": "Regula", "en": "Rule", "ru": "Правило"},
    "publish": {"ro": "Publică", "en": "Publish", "ru": "Опубликовать"},
    "send_back": {"ro": "Returnează cu motiv", "en": "Send back with a reason",
                  "ru": "Вернуть с указанием причины"},
    "reason_needed": {"ro": "Scrieți motivul returnării.", "en": "Write why it is sent back.",
                      "ru": "Укажите причину возврата."},
    "published_done": {"ro": "Publicat.", "en": "Published.", "ru": "Опубликовано."},
    "sent_back_done": {"ro": "Returnat instituției.", "en": "Sent back to the institution.",
                       "ru": "Возвращено учреждению."},
    "not_submitted": {"ro": "Acest pașaport nu mai așteaptă aprobarea.",
                      "en": "This passport is no longer waiting for review.",
                      "ru": "Этот паспорт больше не ожидает рассмотрения."},
    "error": {"ro": "Eroare", "en": "Error", "ru": "Ошибка"},
}


def ui(lang: str) -> dict[str, str]:
    return {k: v.get(lang, v["ro"]) for k, v in _UI.items()}


def page(name: str, lang: str, heading: str, here: str, *, status: int = 200,
         **values: Any) -> HTMLResponse:
    """``templates/name`` in ``lang``: never cached, never shared (these pages are a
    person's)."""
    words = ui(lang)
    body = TEMPLATES.get_template(name).render(
        lang=lang, ui=words, languages=LANGUAGE_NAMES, home="/", alternates=[],
        heading=heading, here=here, **values)
    return HTMLResponse(body, status_code=status, headers={
        "Content-Language": lang, "Cache-Control": "private, no-store",
        "Vary": "Cookie, Accept-Language"})


def error_page(lang: str, exc: CatalogError, here: str, who: object = None) -> HTMLResponse:
    """A refusal (not found, not yours, stale form ...) as a page with its status."""
    words = ui(lang)
    return page("desk_error.html", lang, words["error"], here, status=status_for(exc),
                message=exc.messages.get(lang) or exc.message, who=who)
