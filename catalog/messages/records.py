"""Messages of the records and what reads them: the catalogue's reads (``core``), the SHACL
shapes and validation engines, record kinds and IRIs, the CSV layout, cutting RDF into records,
reading what users send (``intake``), and the ledger database's migrations.

``{kind}`` is a record kind's label (a :class:`catalog.messages.Localized` of its labels);
``{position}`` is where an item sits in what was sent ("the passport", "item 3", "line 2").
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- the catalogue (catalog/core.py) -------------------------------------------------
    "core.no_store": {
        "en": "no quad store is open",
        "ro": "niciun depozit de cvadruple nu este deschis",
        "ru": "ни одно хранилище квадов не открыто"},
    "core.not_published": {
        "en": "no published {kind} with code {value!r}",
        "ro": "nu există un {kind} publicat cu codul {value!r}",
        "ru": "нет опубликованной записи типа «{kind}» с кодом {value!r}"},
    "records.gone": {
        "en": "{value} was withdrawn from the catalogue; its last version ({version}) is at "
              "{link}",
        "ro": "{value} a fost retras din catalog; ultima sa versiune ({version}) este la {link}",
        "ru": "{value} отозван из каталога; его последняя версия ({version}) доступна по "
              "адресу {link}"},
    "core.export_format": {
        "en": "export needs a dataset format (trig, nquads), not {value}",
        "ro": "exportul cere un format de set de date (trig, nquads), nu {value}",
        "ru": "для экспорта нужен формат набора данных (trig, nquads), а не {value}"},
    # --- SHACL shapes (catalog/shapes.py, catalog/validation) ----------------------------
    "shapes.folder_missing": {
        "en": "the SHACL shapes folder {value} is missing: without shapes every record would "
              "pass validation, so the hub does not start",
        "ro": "dosarul de forme SHACL {value} lipsește: fără forme orice înregistrare ar trece "
              "validarea, deci hubul nu pornește",
        "ru": "папка форм SHACL {value} отсутствует: без форм любая запись прошла бы проверку, "
              "поэтому хаб не запускается"},
    "shapes.folder_empty": {
        "en": "the SHACL shapes folder {value} holds no .ttl file: without shapes every record "
              "would pass validation, so the hub does not start",
        "ro": "dosarul de forme SHACL {value} nu conține niciun fișier .ttl: fără forme orice "
              "înregistrare ar trece validarea, deci hubul nu pornește",
        "ru": "папка форм SHACL {value} не содержит ни одного файла .ttl: без форм любая "
              "запись прошла бы проверку, поэтому хаб не запускается"},
    "shapes.file_without_shapes": {
        "en": "the SHACL shapes folder {value} declares no sh:NodeShape or sh:PropertyShape in "
              "{file}: without shapes every record would pass validation, so the hub does not "
              "start",
        "ro": "dosarul de forme SHACL {value} nu declară niciun sh:NodeShape sau "
              "sh:PropertyShape în {file}: fără forme orice înregistrare ar trece validarea, "
              "deci hubul nu pornește",
        "ru": "в папке форм SHACL {value} файл {file} не объявляет ни sh:NodeShape, ни "
              "sh:PropertyShape: без форм любая запись прошла бы проверку, поэтому хаб не "
              "запускается"},
    "shapes.kind_declares_none": {
        "en": "the kind {value} declares no shapes: its records would pass any validation, so "
              "the hub does not start",
        "ro": "tipul {value} nu declară forme SHACL",
        "ru": "тип {value} не объявляет форм SHACL: его записи прошли бы любую проверку, "
              "поэтому хаб не запускается"},
    "shapes.kind_file_missing": {
        "en": "the shapes of the kind {kind_name} are missing: {value} is not a file; without "
              "them its records would pass any validation, so the hub does not start",
        "ro": "lipsesc formele SHACL ale tipului {kind_name}: {value}",
        "ru": "отсутствуют формы SHACL типа {kind_name}: {value} не является файлом; без них "
              "его записи прошли бы любую проверку, поэтому хаб не запускается"},
    "shapes.not_compiled": {
        "en": "the SHACL shapes cannot be compiled: {reason}",
        "ro": "formele SHACL nu pot fi compilate: {reason}",
        "ru": "формы SHACL не удаётся скомпилировать: {reason}"},
    "shapes.unparsable": {
        "en": "shapes file {file} cannot be parsed: {reason}",
        "ro": "fișierul de forme {file} nu poate fi citit: {reason}",
        "ru": "файл форм {file} не удаётся разобрать: {reason}"},
    "shapes.not_shacl": {
        "en": "the shapes are not valid SHACL: {reason}",
        "ro": "formele nu sunt SHACL valid: {reason}",
        "ru": "формы не являются корректным SHACL: {reason}"},
    "validation.unknown_engine": {
        "en": "unknown validation engine {engine!r}",
        "ro": "motor de validare necunoscut {engine!r}",
        "ru": "неизвестный механизм проверки {engine!r}"},
    # --- record kinds, IRIs and mappings (catalog/records) -------------------------------
    "kinds.search_title": {
        "en": "a search document needs a title field",
        "ro": "un document de căutare are nevoie de un câmp title",
        "ru": "поисковому документу нужно поле title"},
    "kinds.model_without_mapping": {
        "en": "kind {kind_name}: a JSON model needs its RDF mapping",
        "ro": "tipul {kind_name}: un model JSON are nevoie de corespondența sa RDF",
        "ru": "тип {kind_name}: модели JSON нужно её отображение в RDF"},
    "kinds.routes_need": {
        "en": "kind {kind_name}: REST routes need a code, a JSON model and an IRI template with "
              "{{code}}",
        "ro": "tipul {kind_name}: rutele REST au nevoie de un cod, un model JSON și un șablon de "
              "IRI cu {{code}}",
        "ru": "тип {kind_name}: маршрутам REST нужны код, модель JSON и шаблон IRI с {{code}}"},
    "kinds.bad_code": {
        "en": "{value!r} is not a {noun} code",
        "ro": "{value!r} nu este un cod de {noun}",
        "ru": "{value!r} не является кодом записи типа «{noun}»"},
    "kinds.declared_twice": {
        "en": "the kind {kind_name} is declared twice",
        "ro": "tipul {kind_name} este declarat de două ori",
        "ru": "тип {kind_name} объявлен дважды"},
    "kinds.shared_root_class": {
        "en": "two kinds share a root class",
        "ro": "două tipuri au aceeași clasă rădăcină",
        "ru": "у двух типов один и тот же корневой класс"},
    "kinds.unknown": {
        "en": "no record kind {value!r}",
        "ro": "nu există tipul de înregistrare {value!r}",
        "ru": "нет типа записей {value!r}"},
    "ids.cannot_name": {
        "en": "{field} {value!r} cannot name a resource",
        "ro": "{field} {value!r} nu poate numi o resursă",
        "ru": "{field} {value!r} не может служить именем ресурса"},
    "mapping.fields": {
        "en": "the mapping of {model} must map exactly its fields (unmapped: {unmapped}, "
              "unknown: {unknown})",
        "ro": "corespondența lui {model} trebuie să acopere exact câmpurile lui (neacoperite: "
              "{unmapped}, necunoscute: {unknown})",
        "ru": "отображение {model} должно охватывать ровно его поля (не отображены: "
              "{unmapped}, неизвестны: {unknown})"},
    # --- cutting RDF into records (catalog/records/split.py) -----------------------------
    "split.graph_not_record": {
        "en": "graph <{value}> does not describe a resource of that name with a record class "
              "(public service, organisation, concept scheme, legal act, location)",
        "ro": "graful <{value}> nu descrie o resursă cu același nume și o clasă de "
              "înregistrare",
        "ru": "граф <{value}> не описывает ресурс с тем же именем и классом записи "
              "(государственная услуга, организация, схема понятий, нормативный акт, место)"},
    "split.no_record": {
        "en": "the document holds no record",
        "ro": "documentul nu conține nicio înregistrare",
        "ru": "документ не содержит ни одной записи"},
    "split.orphan_triples": {
        "en": "triples about {value} belong to no record: give them an IRI under a record's IRI "
              "or put them in the record's named graph",
        "ro": "tripletele despre {value} nu aparțin niciunei înregistrări",
        "ru": "триплеты о {value} не относятся ни к одной записи: дайте им IRI внутри IRI "
              "записи или поместите их в именованный граф записи"},
    # --- the CSV layout (catalog/records/csvformat.py) -----------------------------------
    "csv.not_language_tag": {
        "en": "`{value}` is not a language tag; the passport cannot be written as CSV",
        "ro": "`{value}` nu este o etichetă de limbă; pașaportul nu poate fi scris ca CSV",
        "ru": "`{value}` не является языковой меткой; паспорт нельзя записать в CSV"},
    "csv.cell_too_long": {
        "en": "{value} characters cannot be written in one CSV cell (at most {limit})",
        "ro": "{value} caractere nu încap într-o celulă CSV (cel mult {limit})",
        "ru": "{value} символов не помещаются в одну ячейку CSV (не более {limit})"},
    "csv.too_many_cells": {
        "en": "row {row} has {value} cells; at most {limit} columns are read",
        "ro": "rândul {row} are {value} celule; se citesc cel mult {limit} coloane",
        "ru": "в строке {row} ячеек: {value}; читается не более {limit} столбцов"},
    "csv.too_many_rows": {
        "en": "the CSV file has more than {limit} passports",
        "ro": "fișierul CSV are mai mult de {limit} pașapoarte",
        "ru": "в файле CSV больше {limit} паспортов"},
    "csv.malformed": {
        "en": "malformed CSV at line {line}: {reason}",
        "ro": "CSV invalid la linia {line}: {reason}",
        "ru": "некорректный CSV в строке {line}: {reason}"},
    "csv.header": {
        "en": "CSV header: {problems}. Accepted columns: {accepted}",
        "ro": "antetul CSV: {problems}. Coloane acceptate: {accepted}",
        "ru": "заголовок CSV: {problems}. Допустимые столбцы: {accepted}"},
    "csv.header_unknown": {
        "en": "unknown column `{name}` (column {column})",
        "ro": "coloană necunoscută `{name}` (coloana {column})",
        "ru": "неизвестный столбец `{name}` (столбец {column})"},
    "csv.header_twice": {
        "en": "column `{name}` appears twice (columns {first} and {column})",
        "ro": "coloana `{name}` apare de două ori (coloanele {first} și {column})",
        "ru": "столбец `{name}` встречается дважды (столбцы {first} и {column})"},
    "csv.header_needs_key": {
        "en": "the columns {part}.{n}.* need a `{name}` column",
        "ro": "coloanele {part}.{n}.* au nevoie de coloana `{name}`",
        "ru": "столбцам {part}.{n}.* нужен столбец `{name}`"},
    "csv.header_no_code": {
        "en": "there is no `code` column",
        "ro": "lipsește coloana `code`",
        "ru": "нет столбца `code`"},
    "csv.empty": {
        "en": "the CSV file is empty; its first row must name the columns",
        "ro": "fișierul CSV este gol; primul rând trebuie să numească coloanele",
        "ru": "файл CSV пуст; его первая строка должна называть столбцы"},
    "csv.one_passport": {
        "en": "the CSV must hold one passport, not {count}",
        "ro": "fișierul CSV trebuie să conțină un pașaport, nu {count}",
        "ru": "CSV должен содержать один паспорт, а не {count}"},
    "csv.row_problems": {
        "en": "row {row} (line {line}) of the CSV has {count} problem(s)",
        "ro": "rândul {row} (linia {line}) din CSV are {count} problem(e)",
        "ru": "в строке {row} (строка файла {line}) CSV найдено проблем: {count}"},
    # --- reading what users send (catalog/intake/readers.py) -----------------------------
    "intake.not_object": {
        "en": "{position} must be a JSON object",
        "ro": "{position} trebuie să fie un obiect JSON",
        "ru": "{position}: ожидается объект JSON"},
    "intake.inherited": {
        "en": "{field}: {value!r} does not name fields a passport inherits from its "
              "nomenclature entry; expected {expected}",
        "ro": "{field}: {value!r} nu numește câmpuri pe care pașaportul le moștenește din "
              "poziția sa din nomenclator; se așteaptă {expected}",
        "ru": "{field}: {value!r} не называет поля, которые паспорт наследует от позиции "
              "номенклатуры; ожидается {expected}"},
    "intake.problems": {
        "en": "{position} has {count} problem(s); nothing was stored",
        "ro": "{position} are {count} problem(e); nu s-a salvat nimic",
        "ru": "{position}: найдено проблем: {count}; ничего не сохранено"},
    "intake.no_code": {
        "en": "{position} has no code",
        "ro": "{position} nu are cod",
        "ru": "{position}: нет кода"},
    "intake.describes_none": {
        "en": "the document describes no {shown}",
        "ro": "documentul nu descrie niciun {shown}",
        "ru": "документ не описывает ни одного ресурса {shown}"},
    "intake.foreign_triples": {
        "en": "a passport document may describe only the service {value} and its own resources "
              "(IRIs under <{value}/>, blank nodes); {count} problem(s), nothing was stored",
        "ro": "documentul unui pașaport poate descrie doar serviciul {value} și resursele lui; "
              "{count} problem(e), nu s-a salvat nimic",
        "ru": "документ паспорта может описывать только услугу {value} и её собственные ресурсы "
              "(IRI внутри <{value}/>, пустые узлы); найдено проблем: {count}, ничего не "
              "сохранено"},
    # --- what every record must be (catalog/intake/checks.py) ----------------------------
    "intake.too_many_triples": {
        "en": "the record {value} holds {count} triples; a record may hold at most {limit} "
              "(SEMCAT_MAX_RECORD_TRIPLES)",
        "ro": "înregistrarea {value} are {count} triplete; o înregistrare poate avea cel mult "
              "{limit} (SEMCAT_MAX_RECORD_TRIPLES)",
        "ru": "запись {value} содержит триплетов: {count}; запись может содержать не более "
              "{limit} (SEMCAT_MAX_RECORD_TRIPLES)"},
    "intake.too_many_records": {
        "en": "{what} holds more than {limit} records (SEMCAT_MAX_BULK_RECORDS); nothing was "
              "imported: split it into smaller files",
        "ro": "{what} are mai mult de {limit} înregistrări (SEMCAT_MAX_BULK_RECORDS); nu s-a "
              "importat nimic: împărțiți-l în fișiere mai mici",
        "ru": "{what} содержит более {limit} записей (SEMCAT_MAX_BULK_RECORDS); ничего не "
              "импортировано: разделите его на файлы поменьше"},
    "intake.server_owned": {
        "en": "{value} states {count} propert(y/ies) that the server sets (status, dates, "
              "owner, author, provenance); nothing was stored",
        "ro": "{value} declară {count} proprietăți pe care le stabilește serverul (starea, "
              "datele, titularul, autorul, proveniența); nu s-a salvat nimic",
        "ru": "{value} задаёт свойства, которые устанавливает сервер (статус, даты, владелец, "
              "автор, происхождение): {count}; ничего не сохранено"},
    "intake.server_owned_property": {
        "en": "<{property}> is set by the server, not by the request",
        "ro": "<{property}> este stabilit de server, nu de cerere",
        "ru": "<{property}> задаётся сервером, а не запросом"},
    "intake.ill_typed": {
        "en": "{value} has {count} ill-typed literal(s); nothing was stored",
        "ro": "{value} are {count} literal(i) cu tip greșit; nu s-a salvat nimic",
        "ru": "{value}: литералов с неверным типом: {count}; ничего не сохранено"},
    "intake.ill_typed_literal": {
        "en": "{value!r} is not a valid <{datatype}>",
        "ro": "{value!r} nu este o valoare validă de tipul <{datatype}>",
        "ru": "{value!r} не является допустимым значением типа <{datatype}>"},
    # --- the ledger database (catalog/ledger/db.py) --------------------------------------
    "ledger.cannot_migrate": {
        "en": "cannot migrate the ledger database: {reason}",
        "ro": "baza de date a registrului nu poate fi migrată: {reason}",
        "ru": "не удаётся выполнить миграцию базы данных реестра: {reason}"},
    # --- the fields of a passport sent as JSON (catalog/intake/passport_json.py) -----------
    "intake.unknown_code": {
        "en": "{field}: unknown code {value!r}; expected one of {codes} (or a concept IRI)",
        "ro": "{field}: cod necunoscut {value!r}; se aștepta unul dintre {codes} (sau IRI-ul "
              "unui concept)",
        "ru": "{field}: неизвестный код {value!r}; ожидается один из {codes} (или IRI "
              "понятия)"},
    "intake.not_iri": {
        "en": "{field}: {value!r} is not an IRI; expected an absolute IRI such as "
              "https://example.md/...",
        "ro": "{field}: {value!r} nu este un IRI; se aștepta un IRI absolut, de ex. "
              "https://example.md/...",
        "ru": "{field}: {value!r} не является IRI; ожидается абсолютный IRI, например "
              "https://example.md/..."},
    "intake.blank_text": {
        "en": "{field}: the text is empty; write it, or leave this language out",
        "ro": "{field}: textul este gol; completați-l sau omiteți această limbă",
        "ru": "{field}: текст пуст; заполните его или уберите этот язык"},
}
