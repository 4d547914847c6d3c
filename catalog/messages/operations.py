"""Messages of running the hub: projection leases, dumps, storage, rate limits, links."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "lease.held": {
        "en": "the {projection} projection is being written by {holder}: stop that server "
              "first, or let it finish (its lease ends {lease_s:g} s after it stops)",
        "ro": "proiecția {projection} este scrisă de {holder}: opriți mai întâi acel server "
              "sau lăsați-l să termine (contractul lui expiră la {lease_s:g} s după oprire)",
        "ru": "проекцию {projection} сейчас записывает {holder}: сначала остановите этот "
              "сервер или дождитесь конца (его аренда истекает через {lease_s:g} с после "
              "остановки)"},
    "lease.lost": {
        "en": "the {projection} projection was taken over by {holder}: this process no longer "
              "writes it",
        "ro": "proiecția {projection} a fost preluată de {holder}: acest proces nu o mai scrie",
        "ru": "проекцию {projection} перехватил {holder}: этот процесс её больше не "
              "записывает"},
    "dump.too_many": {
        "en": "this client already has {mine} dumps running (at most {per_client}; {total} "
              "for all clients): finish one first, or follow the change feed",
        "ro": "acest client are deja {mine} exporturi în curs (cel mult {per_client}; {total} "
              "pentru toți clienții): terminați unul întâi sau urmăriți fluxul de modificări",
        "ru": "у этого клиента уже выполняется {mine} выгрузок (не более {per_client}; {total} "
              "для всех клиентов): дождитесь окончания одной или следите за лентой изменений"},
    "storage.full": {
        "en": "the catalogue's storage is full or read-only: nothing was written; retry once "
              "space is freed",
        "ro": "spațiul de stocare al catalogului este plin sau doar pentru citire: nu s-a scris "
              "nimic; reîncercați după eliberarea spațiului",
        "ru": "хранилище каталога заполнено или доступно только для чтения: ничего не "
              "записано; повторите, когда освободится место"},
    "link.scheme": {
        "en": "{field}: IRIs with the scheme {scheme}: are refused; links are http, https, "
              "mailto or tel",
        "ro": "{field}: IRI-urile cu schema {scheme}: sunt refuzate; legăturile sunt http, "
              "https, mailto sau tel",
        "ru": "{field}: IRI со схемой {scheme}: не принимаются; ссылки бывают http, https, "
              "mailto или tel"},
    "rate.too_many": {
        "en": "too many {what} from this client: at most {rate:g} a second (bursts of "
              "{burst:g}); retry in {wait:.1f} s",
        "ro": "prea multe {what} de la acest client: cel mult {rate:g} pe secundă (rafale de "
              "{burst:g}); reîncercați peste {wait:.1f} s",
        "ru": "слишком много {what} от этого клиента: не более {rate:g} в секунду (пачками до "
              "{burst:g}); повторите через {wait:.1f} с"},
    "auth.throttled": {
        "en": "too many failed authentications from this client ({count} in a minute); retry "
              "in {wait:.0f} s",
        "ro": "prea multe autentificări eșuate de la acest client ({count} într-un minut); "
              "reîncercați peste {wait:.0f} s",
        "ru": "слишком много неудачных попыток входа с этого адреса ({count} за минуту); "
              "повторите через {wait:.0f} с"},
}
