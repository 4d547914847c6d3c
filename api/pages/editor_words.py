"""The words of the passport editor in Romanian, English and Russian (the desk's words, which
the editor's page also shows, come from :mod:`api.pages.desk_words`)."""

from __future__ import annotations

from api.pages.desk_words import ui as desk_ui

_W: dict[str, tuple[str, str, str]] = {
    "new_title": ("Pașaport nou", "New passport", "Новый паспорт"),
    "edit_title": ("Editare pașaport", "Edit passport", "Редактирование паспорта"),
    "intro": ("Câmpurile marcate cu * sunt obligatorii. Problemele apar lângă câmpuri pe "
              "măsură ce scrieți; nimic nu se salvează până nu apăsați „Salvează ciorna”.",
              "Fields marked * are required. Problems show next to the fields as you type; "
              "nothing is saved until you press “Save draft”.",
              "Поля, отмеченные *, обязательны. Проблемы показываются рядом с полями по мере "
              "ввода; ничего не сохраняется, пока вы не нажмёте «Сохранить черновик»."),
    "state": ("Starea", "State", "Состояние"),
    "version": ("versiunea", "version", "версия"),
    "general": ("Date generale", "General", "Общие сведения"),
    "code": ("Cod", "Code", "Код"),
    "code_hint": ("de ex. ASP-0123", "e.g. ASP-0123", "например ASP-0123"),
    "title": ("Denumire", "Name", "Название"),
    "description": ("Descriere", "Description", "Описание"),
    "keywords": ("Cuvinte-cheie (separate prin virgulă)", "Keywords (comma-separated)",
                 "Ключевые слова (через запятую)"),
    "in_ro": ("în română", "in Romanian", "на румынском"),
    "in_en": ("în engleză", "in English", "на английском"),
    "in_ru": ("în rusă", "in Russian", "на русском"),
    "competent_authority": ("Autoritatea competentă", "Competent authority",
                            "Компетентный орган"),
    "choose": ("— alegeți —", "— choose —", "— выберите —"),
    "legal_resources": ("Temei legal (acte și articole)", "Legal basis (acts and articles)",
                        "Правовое основание (акты и статьи)"),
    "audiences": ("Beneficiari", "Audiences", "Получатели"),
    "life_events": ("Evenimente de viață", "Life events", "Жизненные ситуации"),
    "business_events": ("Evenimente de afaceri", "Business events", "Бизнес-события"),
    "thematic_areas": ("Domenii tematice", "Thematic areas", "Тематические области"),
    "languages": ("Limbile serviciului", "Languages of the service", "Языки услуги"),
    "spatial": ("Acoperire teritorială", "Spatial coverage", "Территориальный охват"),
    "related_services": ("Servicii înrudite (un IRI pe linie)",
                         "Related services (one IRI per line)",
                         "Связанные услуги (один IRI в строке)"),
    "processing_time": ("Termen de prestare (ISO 8601, de ex. P10D = 10 zile)",
                        "Processing time (ISO 8601, e.g. P10D = 10 days)",
                        "Срок оказания (ISO 8601, например P10D = 10 дней)"),
    "requirements": ("Cerințe", "Requirements", "Требования"),
    "requirement": ("Cerința", "Requirement", "Требование"),
    "evidence": ("Documente necesare", "Required documents", "Необходимые документы"),
    "evidence_one": ("Documentul", "Document", "Документ"),
    "evidence_type": ("Tip de document", "Document type", "Тип документа"),
    "once_only": ("Obținut de autoritate din registru (o singură dată)",
                  "Obtained by the authority from a registry (once only)",
                  "Запрашивается органом из реестра (однократно)"),
    "yes": ("da", "yes", "да"),
    "no": ("nu", "no", "нет"),
    "registry_source": ("Registrul sursă", "Source registry", "Реестр-источник"),
    "data_service": ("Serviciul de date al registrului (IRI)",
                     "The registry's data service (IRI)", "Сервис данных реестра (IRI)"),
    "data_element": ("Elementul de date (IRI)", "Data element (IRI)",
                     "Элемент данных (IRI)"),
    "outputs": ("Rezultate", "Outputs", "Результаты"),
    "output": ("Rezultatul", "Output", "Результат"),
    "output_type": ("Tip (IRI)", "Type (IRI)", "Тип (IRI)"),
    "costs": ("Costuri", "Costs", "Стоимость"),
    "cost": ("Costul", "Cost", "Стоимость"),
    "amount": ("Suma", "Amount", "Сумма"),
    "currency": ("Moneda", "Currency", "Валюта"),
    "channels": ("Canale de solicitare", "Channels", "Каналы обращения"),
    "channel": ("Canalul", "Channel", "Канал"),
    "channel_type": ("Tip de canal", "Channel type", "Тип канала"),
    "url": ("Adresă (http, https, mailto, tel)", "Address (http, https, mailto, tel)",
            "Адрес (http, https, mailto, tel)"),
    "owned_by": ("Deținut de (IRI)", "Owned by (IRI)", "Владелец (IRI)"),
    "locations": ("Locații", "Locations", "Места"),
    "identifier": ("Identificator (opțional)", "Identifier (optional)",
                   "Идентификатор (необязательно)"),
    "add": ("Adaugă", "Add", "Добавить"),
    "remove": ("Elimină", "Remove", "Удалить"),
    "save": ("Salvează ciorna", "Save draft", "Сохранить черновик"),
    "submit": ("Salvează și trimite la verificare", "Save and submit for review",
               "Сохранить и отправить на проверку"),
    "history": ("Istoric", "History", "История"),
    "diff": ("Diferențe față de versiunea publicată", "Changes since the published version",
             "Изменения относительно опубликованной версии"),
    "problems": ("Probleme de rezolvat", "Problems to fix", "Проблемы, которые нужно исправить"),
    "advice": ("Recomandări", "Advice", "Рекомендации"),
    "no_problems": ("Nicio problemă găsită.", "No problems found.", "Проблем не найдено."),
    "checking": ("Se verifică…", "Checking…", "Проверка…"),
    "saved": ("Ciorna a fost salvată (versiunea {n}).", "Draft saved (version {n}).",
              "Черновик сохранён (версия {n})."),
    "submitted": ("Trimis la verificare (versiunea {n}).", "Submitted for review (version {n}).",
                  "Отправлено на проверку (версия {n})."),
    "conflict": ("Altcineva a salvat între timp o versiune mai nouă (versiunea {n}). Modificările "
                 "dvs. sunt păstrate mai jos: verificați-le și salvați din nou pentru a o "
                 "înlocui.",
                 "Someone else saved a newer version meanwhile (version {n}). Your changes are "
                 "kept below: review them and save again to replace it.",
                 "Тем временем кто-то сохранил более новую версию (версия {n}). Ваши изменения "
                 "сохранены ниже: проверьте их и сохраните снова, чтобы заменить её."),
    "not_saved": ("Nimic nu a fost salvat.", "Nothing was saved.", "Ничего не сохранено."),
    "other": ("Pașaportul", "The passport", "Паспорт"),
}
_INDEX = {"ro": 0, "en": 1, "ru": 2}


def words(lang: str) -> dict[str, str]:
    """The desk's words and the editor's, in ``lang``."""
    out = desk_ui(lang)
    out.update({k: v[_INDEX.get(lang, 0)] for k, v in _W.items()})
    return out
