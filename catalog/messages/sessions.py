"""Messages of browser sessions: login, CSRF and origin checks of the pages' forms."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "session.csrf": {
        "en": "the form's CSRF token is missing or is not this session's: reload the page and "
              "send the form again",
        "ro": "tokenul CSRF al formularului lipsește sau nu aparține acestei sesiuni: "
              "reîncărcați pagina și trimiteți din nou formularul",
        "ru": "CSRF-токен формы отсутствует или принадлежит другой сессии: обновите страницу "
              "и отправьте форму снова"},
    "session.origin": {
        "en": "a form of this site must be sent from this site (the {header} header says "
              "{value!r})",
        "ro": "un formular al acestui site trebuie trimis de pe acest site (antetul {header} "
              "spune {value!r})",
        "ru": "форму этого сайта нужно отправлять с этого сайта (заголовок {header}: "
              "{value!r})"},
    "session.form": {
        "en": "the form must be sent as application/x-www-form-urlencoded, UTF-8, at most "
              "{limit} bytes",
        "ro": "formularul trebuie trimis ca application/x-www-form-urlencoded, UTF-8, cel mult "
              "{limit} octeți",
        "ru": "форма должна отправляться как application/x-www-form-urlencoded, UTF-8, не "
              "более {limit} байт"},
    "session.reason_long": {
        "en": "the reason is {value} characters long; at most {limit} are kept",
        "ro": "motivul are {value} caractere; se păstrează cel mult {limit}",
        "ru": "причина длиной {value} символов; допускается не более {limit}"},
    "session.desk_foreign": {
        "en": "{institution} sees the versions of its own passports only; {code} is another "
              "institution's",
        "ro": "{institution} vede doar versiunile pașapoartelor proprii; {code} aparține altei "
              "instituții",
        "ru": "{institution} видит версии только своих паспортов; {code} принадлежит другому "
              "учреждению"},
}
