"""Write the default theme's gettext catalogs (themes/default/locale/*/LC_MESSAGES/messages.po)
from the words of its templates and of graph.py, with the translations below.

    python scripts/update_catalogs.py

A word added to a template and not translated here stays English in that language.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "themes" / "default" / "locale"
EXTRA = (
    "This article has been removed",  # plan.REMOVED_TITLE: a constant, not extracted
    *("Opinion", "Analysis", "Review", "Explainer", "Sponsored"),  # model.TYPE_LABELS
)

UK = {
    "Searching…": "Шукаємо…",
    "1 story found for “%(query)s”, %(order)s.": "Знайдено 1 матеріал за запитом «%(query)s», %(order)s.",
    "%(count)s stories found for “%(query)s”, %(order)s.": "Знайдено матеріалів за запитом «%(query)s»: %(count)s, %(order)s.",
    "No stories found for “%(query)s”.": "За запитом «%(query)s» нічого не знайдено.",
    "newest first": "спершу новіші",
    "best match first": "спершу найточніші",
    "By %(author)s": "Автор: %(author)s",
    "1 new update": "1 нове оновлення",
    "%(count)s new updates": "Нових оновлень: %(count)s",
    "Breaking": "Терміново",
    "Developing": "Розвиток подій",
    "Dismiss this alert": "Закрити це повідомлення",
    "Top stories": "Головне",
    "Part %(number)s of %(total)s in": "Частина %(number)s з %(total)s циклу",
    "Previous part:": "Попередня частина:",
    "Next part:": "Наступна частина:",
    "Support us": "Підтримайте нас",
    "Series": "Цикл",
    "Archive": "Архів",
    "Corrections": "Виправлення",
    "No corrections so far.": "Виправлень поки немає.",
    "Live": "Наживо",
    "Sponsored by": "Спонсор:",
    "This is paid content: %(sponsor)s paid for it. It is not reporting by the newsroom of %(site)s.": "Це оплачений матеріал: за нього заплатив %(sponsor)s. Це не журналістика редакції %(site)s.",
    "Earlier updates": "Попередні оновлення",
    "Live updates": "Оновлення наживо",
    "Live coverage has ended.": "Трансляцію завершено.",
    "Pinned": "Закріплено",
    "Opinion": "Думка",
    "Analysis": "Аналітика",
    "Review": "Рецензія",
    "Explainer": "Пояснення",
    "Sponsored": "На правах реклами",
    " and ": " і ",
    "%(minutes)s min read": "%(minutes)s хв читання",
    "%(site)s: latest news": "%(site)s: останні новини",
    "%(title)s – page %(number)s": "%(title)s – сторінка %(number)s",
    "%(title)s — page %(number)s": "%(title)s — сторінка %(number)s",
    "%(title)s: the latest stories from %(site)s.": "%(title)s: останні матеріали — %(site)s.",
    ", ": ", ",
    '<a href="%(url)s">Read the latest news</a>.': '<a href="%(url)s">Читайте останні новини</a>.',
    "About the author": ("Про автора", "Про авторів", "Про авторів"),
    "All authors": "Усі автори",
    "All sections": "Усі розділи",
    "Also in:": "Також:",
    "Archive — page %(number)s": "Архів — сторінка %(number)s",
    "Atom feed": "Стрічка Atom",
    "Author": "Автор",
    "Best match": "Найкращий збіг",
    "By": "Автор:",
    "Corrected %(date)s": "Виправлено %(date)s",
    "Correction": ("Виправлення", "Виправлення", "Виправлення"),
    "Earlier stories": "Попередні матеріали",
    "Error 404": "Помилка 404",
    "Feed": "Стрічка",
    "Follow this feed": "Підписатися на стрічку",
    "Go to the front page": "На головну",
    "Home": "Головна",
    "It was removed on %(date)s.": "Його видалено %(date)s.",
    "Languages": "Мови",
    "Latest": "Останнє",
    "Latest from %(name)s": "Останнє від: %(name)s",
    "Latest news": "Останні новини",
    "More": "Більше",
    "More news": "Більше новин",
    "More results": "Більше результатів",
    "More stories": "Більше матеріалів",
    "Moved": "Переміщено",
    "Newer": "Новіші",
    "Newest first": "Спершу нові",
    "News Feed": "Стрічка новин",
    "No stories by %(name)s yet.": "Матеріалів автора %(name)s ще немає.",
    "No stories have been published yet.": "Ще нічого не опубліковано.",
    "No stories here yet.": "Тут ще немає матеріалів.",
    "No stories match those words. Try fewer or other words, or browse a section:": (
        "Жоден матеріал не відповідає цим словам. Спробуйте менше або інші слова"
        " чи перегляньте розділ:"
    ),
    "Older": "Старіші",
    "Order": "Порядок",
    "Page not found": "Сторінку не знайдено",
    "Published with newssite": "Опубліковано за допомогою newssite",
    "Read more from %(name)s": "Більше від: %(name)s",
    "Related": "Схожі матеріали",
    "Results": "Результати",
    "Search": "Пошук",
    'Search needs JavaScript. Browse the <a href="%(url)s">latest news</a> or a section instead.': (
        'Для пошуку потрібен JavaScript. Перегляньте <a href="%(url)s">останні новини</a>'
        " або розділ."
    ),
    "Search the site": "Пошук на сайті",
    "Search the stories": "Пошук матеріалів",
    "Search the stories of %(site)s.": "Пошук матеріалів — %(site)s.",
    "Section": "Розділ",
    "Sections": "Розділи",
    "Site": "Сайт",
    "Skip to content": "Перейти до змісту",
    "Stories": "Матеріали",
    "Stories by %(name)s.": "Матеріали автора: %(name)s.",
    "The latest news from %(site)s.": "Останні новини — %(site)s.",
    "The story may have moved, or the address may be mistyped. Try the front page or one of our sections.": (
        "Можливо, матеріал перемістили або в адресі помилка. Спробуйте головну сторінку"
        " або один із розділів."
    ),
    'This page has moved to <a href="%(url)s">%(address)s</a>.': (
        'Сторінка переїхала за адресою <a href="%(url)s">%(address)s</a>.'
    ),
    "This article has been removed": "Цей матеріал видалено",
    "This article is more than %(span)s old": "Цьому матеріалу понад %(span)s",
    "Topic": "Тема",
    "Topics": "Теми",
    "Updated %(date)s": "Оновлено %(date)s",
    "We couldn’t find that page": "Ми не знайшли цієї сторінки",
    "— page %(number)s": "— сторінка %(number)s",
}

AR = {
    "Searching…": "جارٍ البحث…",
    "1 story found for “%(query)s”, %(order)s.": "عُثر على قصة واحدة عن «%(query)s»، %(order)s.",
    "%(count)s stories found for “%(query)s”, %(order)s.": "عدد القصص عن «%(query)s»: %(count)s، %(order)s.",
    "No stories found for “%(query)s”.": "لم يُعثر على قصص عن «%(query)s».",
    "newest first": "الأحدث أولاً",
    "best match first": "الأكثر صلة أولاً",
    "By %(author)s": "بقلم %(author)s",
    "1 new update": "تحديث جديد واحد",
    "%(count)s new updates": "تحديثات جديدة: %(count)s",
    "Breaking": "عاجل",
    "Developing": "تطورات",
    "Dismiss this alert": "إغلاق هذا التنبيه",
    "Top stories": "أهم الأخبار",
    "Part %(number)s of %(total)s in": "الجزء %(number)s من %(total)s في",
    "Previous part:": "الجزء السابق:",
    "Next part:": "الجزء التالي:",
    "Support us": "ادعمونا",
    "Series": "سلسلة",
    "Archive": "الأرشيف",
    "Corrections": "التصحيحات",
    "No corrections so far.": "لا توجد تصحيحات حتى الآن.",
    "Live": "مباشر",
    "Sponsored by": "برعاية",
    "This is paid content: %(sponsor)s paid for it. It is not reporting by the newsroom of %(site)s.": "هذا محتوى مدفوع: دفعت %(sponsor)s ثمنه. وهو ليس من عمل غرفة أخبار %(site)s.",
    "Earlier updates": "تحديثات سابقة",
    "Live updates": "تحديثات مباشرة",
    "Live coverage has ended.": "انتهت التغطية المباشرة.",
    "Pinned": "مثبّت",
    "Opinion": "رأي",
    "Analysis": "تحليل",
    "Review": "مراجعة",
    "Explainer": "شرح",
    "Sponsored": "محتوى مموّل",
    " and ": " و",
    "%(minutes)s min read": "القراءة في %(minutes)s د",
    "%(site)s: latest news": "%(site)s: آخر الأخبار",
    "%(title)s – page %(number)s": "%(title)s – الصفحة %(number)s",
    "%(title)s — page %(number)s": "%(title)s — الصفحة %(number)s",
    "%(title)s: the latest stories from %(site)s.": "%(title)s: أحدث القصص من %(site)s.",
    ", ": "، ",
    '<a href="%(url)s">Read the latest news</a>.': '<a href="%(url)s">اقرأ آخر الأخبار</a>.',
    "About the author": ("عن الكاتب",) * 2 + ("عن الكاتبين",) + ("عن الكتّاب",) * 3,
    "All authors": "كل الكتّاب",
    "All sections": "كل الأقسام",
    "Also in:": "متوفر أيضًا بـ:",
    "Archive — page %(number)s": "الأرشيف — الصفحة %(number)s",
    "Atom feed": "موجز Atom",
    "Author": "الكاتب",
    "Best match": "الأكثر تطابقًا",
    "By": "بقلم",
    "Corrected %(date)s": "صُحّح في %(date)s",
    "Correction": ("تصحيح",) * 2 + ("تصحيحان",) + ("تصحيحات",) * 3,
    "Earlier stories": "قصص سابقة",
    "Error 404": "خطأ 404",
    "Feed": "الموجز",
    "Follow this feed": "تابع هذا الموجز",
    "Go to the front page": "إلى الصفحة الرئيسية",
    "Home": "الرئيسية",
    "It was removed on %(date)s.": "حُذفت في %(date)s.",
    "Languages": "اللغات",
    "Latest": "الأحدث",
    "Latest from %(name)s": "أحدث ما كتب %(name)s",
    "Latest news": "آخر الأخبار",
    "More": "المزيد",
    "More news": "مزيد من الأخبار",
    "More results": "مزيد من النتائج",
    "More stories": "مزيد من القصص",
    "Moved": "نُقلت",
    "Newer": "الأحدث",
    "Newest first": "الأحدث أولًا",
    "News Feed": "موجز الأخبار",
    "No stories by %(name)s yet.": "لا توجد قصص لـ%(name)s بعد.",
    "No stories have been published yet.": "لم تُنشر أي قصة بعد.",
    "No stories here yet.": "لا توجد قصص هنا بعد.",
    "No stories match those words. Try fewer or other words, or browse a section:": (
        "لا توجد قصص تطابق هذه الكلمات. جرّب كلمات أقل أو مختلفة، أو تصفح قسمًا:"
    ),
    "Older": "الأقدم",
    "Order": "الترتيب",
    "Page not found": "الصفحة غير موجودة",
    "Published with newssite": "نُشر باستخدام newssite",
    "Read more from %(name)s": "المزيد من %(name)s",
    "Related": "ذات صلة",
    "Results": "النتائج",
    "Search": "بحث",
    'Search needs JavaScript. Browse the <a href="%(url)s">latest news</a> or a section instead.': (
        'يحتاج البحث إلى JavaScript. تصفح <a href="%(url)s">آخر الأخبار</a> أو أحد الأقسام.'
    ),
    "Search the site": "ابحث في الموقع",
    "Search the stories": "ابحث في القصص",
    "Search the stories of %(site)s.": "ابحث في قصص %(site)s.",
    "Section": "القسم",
    "Sections": "الأقسام",
    "Site": "الموقع",
    "Skip to content": "انتقل إلى المحتوى",
    "Stories": "القصص",
    "Stories by %(name)s.": "قصص %(name)s.",
    "The latest news from %(site)s.": "آخر الأخبار من %(site)s.",
    "The story may have moved, or the address may be mistyped. Try the front page or one of our sections.": (
        "ربما نُقلت القصة أو كُتب العنوان خطأً. جرّب الصفحة الرئيسية أو أحد أقسامنا."
    ),
    'This page has moved to <a href="%(url)s">%(address)s</a>.': (
        'نُقلت هذه الصفحة إلى <a href="%(url)s">%(address)s</a>.'
    ),
    "This article has been removed": "حُذفت هذه المقالة",
    "This article is more than %(span)s old": "مضى على هذه المقالة أكثر من %(span)s",
    "Topic": "الموضوع",
    "Topics": "الموضوعات",
    "Updated %(date)s": "حُدّث في %(date)s",
    "We couldn’t find that page": "لم نجد هذه الصفحة",
    "— page %(number)s": "— الصفحة %(number)s",
}


def extracted() -> Catalog:
    """The words of the templates and graph.py (babel.cfg says where), as pybabel finds them."""
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "messages.pot"
        arguments = ["extract", "-F", str(ROOT / "babel.cfg"), "-k", "_", "-k", "gettext"]
        arguments += ["-k", "ngettext:1,2", "--no-location", "--sort-output"]
        CommandLineInterface().run(["pybabel", *arguments, "-o", str(pot), str(ROOT)])
        with pot.open("rb") as handle:
            return read_po(handle)


def write(language: str, words: dict[str, str | tuple[str, ...]], template: Catalog) -> None:
    catalog = Catalog(locale=language, project="newssite default theme", fuzzy=False)
    for message in [*template, *EXTRA]:
        msgid = message if isinstance(message, str) else message.id
        if not msgid:
            continue
        found = words.get(msgid if isinstance(msgid, str) else msgid[0], "")
        flags = () if isinstance(message, str) else message.flags
        catalog.add(msgid, found, flags=flags)
    folder = LOCALE / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=100)


def main() -> None:
    template = extracted()
    write("en", {}, template)
    write("uk", UK, template)
    write("ar", AR, template)


if __name__ == "__main__":
    main()
