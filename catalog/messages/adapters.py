"""Messages of adapters: mappings, sources, sync runs and crosswalks."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "adapter.mapping_yaml": {
        "en": "the mapping {value} is not readable YAML: {reason}",
        "ro": "maparea {value} nu este YAML valid: {reason}",
        "ru": "сопоставление {value} не является корректным YAML: {reason}"},
    "adapter.mapping_invalid": {
        "en": "the mapping is invalid at {field}: {reason}",
        "ro": "maparea este invalidă la {field}: {reason}",
        "ru": "сопоставление неверно в {field}: {reason}"},
    "adapter.mapping_too_large": {
        "en": "the mapping {value} is larger than {limit} bytes",
        "ro": "maparea {value} depășește {limit} octeți",
        "ru": "сопоставление {value} больше {limit} байт"},
    "adapter.no_such": {
        "en": "there is no adapter {value!r}: the adapters are the mappings in {where} "
              "({expected})",
        "ro": "nu există adaptorul {value!r}: adaptoarele sunt mapările din {where} "
              "({expected})",
        "ru": "адаптера {value!r} нет: адаптеры — это сопоставления в {where} ({expected})"},
    "adapter.unknown_source": {
        "en": "no source of type {value!r} is installed in this hub (installed: {expected})",
        "ro": "nicio sursă de tipul {value!r} nu este instalată în acest hub (instalate: "
              "{expected})",
        "ru": "источник типа {value!r} в этом хабе не установлен (установлены: {expected})"},
    "adapter.unknown_kind": {
        "en": "the mapping writes records of kind {value!r}, which this catalogue does not "
              "have or which has no JSON model (expected: {expected})",
        "ro": "maparea scrie înregistrări de tipul {value!r}, pe care acest catalog nu îl are "
              "sau care nu are model JSON (așteptat: {expected})",
        "ru": "сопоставление записывает записи типа {value!r}, которого в каталоге нет или у "
              "которого нет модели JSON (ожидается: {expected})"},
    "adapter.unknown_institution": {
        "en": "the mapping's institution {value!r} is not an institution of the catalogue: "
              "load its organisation record first",
        "ro": "instituția mapării {value!r} nu este o instituție a catalogului: încărcați "
              "întâi înregistrarea organizației",
        "ru": "учреждение сопоставления {value!r} не входит в каталог: сначала загрузите "
              "запись этой организации"},
    "adapter.unknown_crosswalk": {
        "en": "{field} names the crosswalk {value!r}, which the mapping does not declare "
              "(declared: {expected})",
        "ro": "{field} indică corespondența {value!r}, pe care maparea nu o declară "
              "(declarate: {expected})",
        "ru": "{field} ссылается на таблицу соответствий {value!r}, которой нет в "
              "сопоставлении (объявлены: {expected})"},
    "adapter.bad_expression": {
        "en": "{field}: the expression {value!r} cannot be read: {reason}",
        "ro": "{field}: expresia {value!r} nu poate fi citită: {reason}",
        "ru": "{field}: выражение {value!r} не читается: {reason}"},
    "adapter.source_missing": {
        "en": "the source file {value} does not exist (paths are relative to the mapping "
              "file)",
        "ro": "fișierul sursă {value} nu există (căile sunt relative la fișierul mapării)",
        "ru": "файла источника {value} нет (пути указываются относительно файла "
              "сопоставления)"},
    "adapter.source_too_large": {
        "en": "the source {value} is larger than {limit} bytes",
        "ro": "sursa {value} depășește {limit} octeți",
        "ru": "источник {value} больше {limit} байт"},
    "adapter.source_unreadable": {
        "en": "the source {value} cannot be read as {expected}: {reason}",
        "ro": "sursa {value} nu poate fi citită ca {expected}: {reason}",
        "ru": "источник {value} не читается как {expected}: {reason}"},
    "adapter.item_unreadable": {
        "en": "{field} cannot be read as {expected}: {reason}",
        "ro": "{field} nu poate fi citit ca {expected}: {reason}",
        "ru": "{field} не читается как {expected}: {reason}"},
    "adapter.secret_missing": {
        "en": "{field} names the setting {value}, which is not set: set it in the hub's "
              "environment (its value is never shown)",
        "ro": "{field} indică setarea {value}, care nu este definită: definiți-o în mediul "
              "hubului (valoarea ei nu este afișată niciodată)",
        "ru": "{field} ссылается на параметр {value}, который не задан: задайте его в "
              "окружении хаба (его значение никогда не показывается)"},
    "adapter.no_key": {
        "en": "{field}: the item has no key (the mapping's record.key gave nothing)",
        "ro": "{field}: elementul nu are cheie (record.key din mapare nu a dat nimic)",
        "ru": "{field}: у элемента нет ключа (record.key сопоставления ничего не дал)"},
    "adapter.duplicate_key": {
        "en": "the key {value!r} was already read at {where}: a source gives each record "
              "once",
        "ro": "cheia {value!r} a fost deja citită la {where}: o sursă dă fiecare înregistrare "
              "o singură dată",
        "ru": "ключ {value!r} уже прочитан в {where}: источник даёт каждую запись один раз"},
    "adapter.required": {
        "en": "{field}: the source gives no value ({expected})",
        "ro": "{field}: sursa nu dă nicio valoare ({expected})",
        "ru": "{field}: источник не даёт значения ({expected})"},
    "adapter.required_because": {
        "en": "{field}: the source gives no value, yet {reason}",
        "ro": "{field}: sursa nu dă nicio valoare, deși {reason}",
        "ru": "{field}: источник не даёт значения, хотя {reason}"},
    "adapter.unmapped": {
        "en": "{field}: the value {value!r} is not in {where} (expected one of: {expected})",
        "ro": "{field}: valoarea {value!r} nu este în {where} (așteptat una dintre: "
              "{expected})",
        "ru": "{field}: значения {value!r} нет в {where} (ожидается одно из: {expected})"},
    "adapter.known_defect": {
        "en": "{field}: the value {value!r} is a known defect of the source: {reason}",
        "ro": "{field}: valoarea {value!r} este un defect cunoscut al sursei: {reason}",
        "ru": "{field}: значение {value!r} — известный дефект источника: {reason}"},
    "adapter.group_disagrees": {
        "en": "{field}: the items of this record disagree ({value!r} and {other!r}); one "
              "value was expected",
        "ro": "{field}: elementele acestei înregistrări nu concordă ({value!r} și {other!r}); "
              "se aștepta o singură valoare",
        "ru": "{field}: элементы этой записи расходятся ({value!r} и {other!r}); ожидалось "
              "одно значение"},
    "adapter.not_text": {
        "en": "{field}: expected {expected}, the source gives {value!r}",
        "ro": "{field}: se aștepta {expected}, sursa dă {value!r}",
        "ru": "{field}: ожидалось {expected}, источник даёт {value!r}"},
    "adapter.running": {
        "en": "the adapter {value} is already running in {holder}: wait for that run to end "
              "(a run whose process died is resumed after {lease_s:g} s)",
        "ro": "adaptorul {value} rulează deja în {holder}: așteptați sfârșitul acelei rulări "
              "(o rulare al cărei proces a murit se reia după {lease_s:g} s)",
        "ru": "адаптер {value} уже выполняется в {holder}: дождитесь окончания этого запуска "
              "(запуск, процесс которого умер, возобновляется через {lease_s:g} с)"},
    "adapter.no_run": {
        "en": "the adapter {name} has no run {value}",
        "ro": "adaptorul {name} nu are rularea {value}",
        "ru": "у адаптера {name} нет запуска {value}"},
    "adapter.trust_admin": {
        "en": "only an admin marks an adapter trusted (its records are published without "
              "review)",
        "ro": "doar un administrator marchează un adaptor ca de încredere (înregistrările lui "
              "se publică fără revizuire)",
        "ru": "только администратор отмечает адаптер как доверенный (его записи публикуются "
              "без проверки)"},
    "crosswalk.bad_file": {
        "en": "the crosswalk file {value} line {line}: {reason}",
        "ro": "fișierul de corespondențe {value}, linia {line}: {reason}",
        "ru": "файл соответствий {value}, строка {line}: {reason}"},
    "crosswalk.no_such": {
        "en": "no crosswalk maps {value!r} ({field})",
        "ro": "nicio corespondență pentru {value!r} ({field})",
        "ru": "нет соответствия для {value!r} ({field})"},
}
