/* The search page. The index comes in a few levels (Pagefind bundles listed in
   pagefind/levels.json, the largest first, which carries Pagefind's script); each is
   merged with a filter "level" of its own, so each level is searched on its own, older
   versions of edited stories (the level's "hidden" fragments) are dropped, and the
   levels' results are merged here: newest first (each level's results come by date; the
   newest head wins) or by best match (Pagefind's scores).

   The form works as a link: /search/?q=...&sort=best&section=...&author=... runs that
   search, and each new search is a new history entry, so Back returns to the last one.
   Results fill a box whose height is kept from the start, so nothing moves as they come. */
const PAGE = 10;
const form = document.querySelector("[data-search]");
// The page's sentences in its language (the theme's catalogs); see say().
const sentences = JSON.parse((form && form.getAttribute("data-words")) || "{}");
if (form) start(form);

function start(form) {
  const base = form.getAttribute("data-base");
  const bundle = form.getAttribute("data-bundle");
  const input = form.querySelector("input[name=q]");
  const authors = form.querySelector("[data-authors]");
  const status = document.getElementById("search_status");
  const list = document.getElementById("search_results");
  const more = document.querySelector(".search-more__button");
  const empty = document.querySelector(".search-empty");
  let engine = null;
  let current = null; // the search on screen: {id, next()}
  let searches = 0;
  let typing = null;

  function absolute(path) {
    return new URL(path, document.baseURI).href;
  }

  function load() {
    if (!engine) {
      engine = Promise.all([
        import(absolute(bundle + "pagefind.js")),
        fetch(absolute(bundle + "levels.json"), { cache: "no-cache" }).then((r) => r.json()),
      ]).then(async ([pagefind, listing]) => {
        const levels = listing.levels.map((level, number) => ({
          tag: String(number),
          hidden: new Set(level.hidden),
          newest: level.newest,
          oldest: level.oldest,
        }));
        // Each level's small files come in levels.json: Pagefind's worker takes them
        // from the options instead of fetching them (WORKER_SHIM in search.py).
        const newssiteFiles = {};
        listing.levels.forEach((level) => {
          Object.entries(level.files || {}).forEach(([name, body]) => {
            const path = new URL(base + level.folder + name, document.baseURI).pathname;
            newssiteFiles[path] = name.endsWith(".json") ? { json: body } : { base64: body };
          });
        });
        await pagefind.options({ baseUrl: base, mergeFilter: { level: "0" }, newssiteFiles });
        await Promise.all(
          listing.levels.slice(1).map((level, number) =>
            pagefind.mergeIndex(absolute(base + level.folder), {
              baseUrl: base,
              mergeFilter: { level: String(number + 1) },
            })
          )
        );
        return { pagefind, levels };
      });
      engine.catch(() => {
        engine = null;
      });
    }
    return engine;
  }

  function wanted() {
    const data = new FormData(form);
    return {
      q: String(data.get("q") || "").trim(),
      sort: data.get("sort") === "best" ? "best" : "newest",
      section: String(data.get("section") || ""),
      author: String(data.get("author") || ""),
    };
  }

  function addressOf(query) {
    const url = new URL(window.location.href);
    url.search = "";
    if (query.q) url.searchParams.set("q", query.q);
    if (query.sort === "best") url.searchParams.set("sort", "best");
    if (query.section) url.searchParams.set("section", query.section);
    if (query.author) url.searchParams.set("author", query.author);
    return url.href;
  }

  function fill(params) {
    input.value = params.get("q") || "";
    const sort = params.get("sort") === "best" ? "best" : "newest";
    form.querySelectorAll("input[name=sort]").forEach((radio) => {
      radio.checked = radio.value === sort;
    });
    choose(form.querySelector("select[name=section]"), params.get("section") || "");
    choose(authors, params.get("author") || "");
  }

  function choose(select, value) {
    if (value && ![...select.options].some((option) => option.value === value)) {
      select.add(new Option(value, value));
    }
    select.value = value;
  }

  async function loadAuthors() {
    authors.removeEventListener("focus", loadAuthors);
    authors.removeEventListener("pointerdown", loadAuthors);
    const { pagefind } = await load();
    const names = Object.keys((await pagefind.filters()).author || {});
    names.sort((a, b) => a.localeCompare(b));
    const chosen = authors.value;
    names.forEach((name) => {
      if (![...authors.options].some((option) => option.value === name)) {
        authors.add(new Option(name, name));
      }
    });
    authors.value = chosen;
  }

  async function search(query) {
    const id = ++searches;
    more.hidden = true;
    if (!query.q) {
      current = null;
      list.replaceChildren();
      empty.hidden = true;
      status.textContent = "";
      return;
    }
    status.textContent = say(sentences, "searching", "Searching…", {});
    const { pagefind, levels } = await load();
    const filters = {};
    if (query.section) filters.section = query.section;
    if (query.author) filters.author = query.author;
    const sort = query.sort === "newest" ? { date: "desc" } : {};
    const found = await Promise.all(
      levels.map((level) => shown(pagefind, level, query.q, { filters, sort }))
    );
    const valid = await validLevels(pagefind, levels, query.q, found);
    if (id !== searches) return;
    const results = found.map((level, number) => (valid[number] ? level : []));
    const total = results.reduce((sum, level) => sum + level.length, 0);
    const next =
      query.sort === "newest" ? newestFirst(results, levels) : bestFirst(results);
    current = { id, next, total, shown: 0 };
    empty.hidden = total > 0;
    const order =
      query.sort === "newest"
        ? say(sentences, "newest", "newest first", {})
        : say(sentences, "best", "best match first", {});
    const values = { count: String(total), query: query.q, order };
    const said = !total
      ? say(sentences, "none", "No stories found for “{query}”.", values)
      : total === 1
        ? say(sentences, "found_one", "1 story found for “{query}”, {order}.", values)
        : say(sentences, "found", "{count} stories found for “{query}”, {order}.", values);
    await showMore(false, () => {
      list.replaceChildren();
      status.textContent = said;
    });
  }

  /* The next page of results, loaded (only the fragments shown) and then put on screen
     at once; `before` runs just before (a new search clears the last one's list then). */
  async function showMore(focus, before) {
    const shown = current;
    if (!shown) return;
    more.hidden = true;
    const page = await shown.next(PAGE);
    if (shown !== current) return;
    if (before) before();
    const items = page.map(render);
    list.append(...items);
    shown.shown += items.length;
    more.hidden = shown.shown >= shown.total;
    if (focus && items.length) items[0].querySelector("a").focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go(true);
  });
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => go(false), 250);
  });
  form.addEventListener("change", (event) => {
    if (event.target !== input) go(true);
  });
  authors.addEventListener("focus", loadAuthors);
  authors.addEventListener("pointerdown", loadAuthors);
  more.addEventListener("click", () => showMore(true));
  window.addEventListener("popstate", () => {
    fill(new URLSearchParams(window.location.search));
    search(wanted());
  });

  function go(newEntry) {
    clearTimeout(typing);
    const query = wanted();
    const address = addressOf(query);
    if (address !== window.location.href) {
      if (newEntry) window.history.pushState(null, "", address);
      else window.history.replaceState(null, "", address);
    }
    search(query);
  }

  const params = new URLSearchParams(window.location.search);
  if (!params.get("q") && input.value.trim()) {
    go(false); // typed while the page was still loading: search it, do not wipe it
  } else {
    fill(params);
    if (params.get("q")) search(wanted());
    else load(); // ready when the reader has typed
  }
}

/* One level's results for a query, less the older versions of edited stories it hides. */
async function shown(pagefind, level, q, options) {
  const filters = { ...(options.filters || {}), level: level.tag };
  const response = await pagefind.search(q, { ...options, filters });
  return response ? response.results.filter((result) => !level.hidden.has(result.id)) : [];
}

/* Which levels give the results one index of every story would give. Pagefind matches a
   word by the words of its index that start with it, or else by the longest word of its
   index that it starts with ("councilman" finds "council"), and ignores a word it finds
   neither way. A level lacking a word that another level holds would match it otherwise,
   so each word is looked up in each level: a level that matches a word in another way
   than the whole archive does can give no result (the one index would not match those
   pages), and the others give exactly the one index's results. */
async function validLevels(pagefind, levels, q, found) {
  const valid = levels.map(() => true);
  if (levels.length < 2 || /^\s*".+"\s*$/.test(q)) return valid; // quoted: exact words
  const words = q.split(/\s+/).filter(Boolean);
  await Promise.all(
    words.map(async (word) => {
      const [matched, exact] = await Promise.all([
        counts(pagefind, word),
        counts(pagefind, `"${word}"`),
      ]);
      // 0: no match; Infinity: by words that start with it (the word itself among them);
      // a level that matched by a shorter word or by longer ones only is told apart by
      // the word its first result holds, when that decides anything.
      const kinds = levels.map(({ tag }) => (!matched[tag] ? 0 : exact[tag] ? Infinity : null));
      const longer = kinds.includes(Infinity);
      const open = kinds.filter((kind) => kind === null).length;
      const resolved = await Promise.all(
        kinds.map((kind, number) => {
          if (kind !== null) return kind;
          const moot = longer ? !found[number].length : open === 1;
          return moot ? Infinity : wordOf(pagefind, levels[number], word);
        })
      );
      const best = resolved.reduce((a, b) => (b > a ? b : a), 0);
      resolved.forEach((kind, number) => {
        if (kind !== best) valid[number] = false;
      });
    })
  );
  return valid;
}

/* level tag -> how many stories of that level a query matches (sent without results). */
async function counts(pagefind, q) {
  const response = await pagefind.search(q, { filters: { level: "none" } });
  return (response && response.totalFilters && response.totalFilters.level) || {};
}

/* n > 0 when the level's first result for a word matched by a word of the index n
   letters long that the typed word starts with, else Infinity. */
async function wordOf(pagefind, level, word) {
  const result = (await shown(pagefind, level, word, {})).find((found) => found.words.length);
  if (!result) return Infinity; // found by its metadata only
  const fragment = await result.data();
  const text = fragment.content.split(/[\r\n\s]+/g)[result.words[0]] || "";
  const matched = plain(text);
  const typed = plain(word);
  return matched && matched !== typed && typed.startsWith(matched) ? matched.length : Infinity;
}

function plain(text) {
  return text
    .toLocaleLowerCase()
    .normalize("NFD")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/* Each level's results come newest first; the levels' heads are merged. A level's dates
   lie between its "newest" and "oldest" (levels.json) and below its last result shown,
   so a level's next result is loaded only when it may be the newest of all, and when
   the rest of a level comes before everything else, its next ones load together. */
function newestFirst(results, levels) {
  const state = results.map((list, number) => ({
    list,
    at: 0,
    top: levels[number].newest || "\uffff", // no result of it is newer than this
    bottom: levels[number].oldest || "",
  }));
  const loaded = new Map();
  function load(result) {
    if (!loaded.has(result.id)) {
      loaded.set(
        result.id,
        result.data().then((fragment) => ({ fragment, date: published(fragment) }))
      );
    }
    return loaded.get(result.id);
  }
  function head(level) {
    return level.at < level.list.length ? level.list[level.at] : null;
  }
  return async function next(count) {
    const page = [];
    while (page.length < count) {
      const open = state.filter(head);
      if (!open.length) break;
      const key = (level) => (level.known ? level.known.date : level.top);
      open.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
      const [first, ...others] = open;
      if (first.known) {
        page.push(first.known.fragment);
        first.top = first.known.date;
        first.known = null;
        first.at += 1;
        continue;
      }
      const alone = !others.length || first.bottom > key(others[0]); // all of it comes first
      const wanted = alone ? count - page.length : 1;
      const batch = first.list.slice(first.at, first.at + wanted).map(load);
      first.known = await batch[0];
    }
    return page;
  };
}

function bestFirst(results) {
  const all = results.flat().sort((a, b) => b.score - a.score);
  let at = 0;
  return async function next(count) {
    const page = all.slice(at, at + count);
    at += page.length;
    return Promise.all(page.map((result) => result.data()));
  };
}

function published(fragment) {
  // "<11-digit timestamp><url>": compared as text, newest first, then by URL.
  return String((fragment.meta && fragment.meta.published) || "");
}

function render(fragment) {
  const meta = fragment.meta || {};
  const item = document.createElement("li");
  item.className = "search-result";
  const media = document.createElement("div");
  media.className = "search-result__media";
  if (meta.image) {
    const image = document.createElement("img");
    image.src = meta.image;
    image.alt = "";
    image.width = 120;
    image.height = 80;
    image.decoding = "async";
    media.append(image);
  }
  const text = document.createElement("div");
  text.className = "search-result__text";
  if (meta.section) text.append(line("p", "search-result__section", meta.section));
  const title = line("h2", "search-result__title", "");
  const link = document.createElement("a");
  link.href = fragment.url;
  link.textContent = meta.title || fragment.url;
  title.append(link);
  text.append(title);
  const excerpt = line("p", "search-result__excerpt", "");
  excerpt.innerHTML = fragment.excerpt || ""; // Pagefind's text, escaped, with <mark>s
  text.append(excerpt);
  const author = meta.author ? say(sentences, "by", "By {author}", { author: meta.author }) : "";
  const byline = [author, meta.date || ""].filter(Boolean);
  text.append(line("p", "search-result__meta", byline.join(" · ")));
  item.append(media, text);
  return item;
}

/* A sentence of the page's language (data-words, from the theme's catalogs), its {names}
   filled in; the English one when the template gives none. */
function say(given, key, english, values) {
  const text = typeof given[key] === "string" ? given[key] : english;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

function line(tag, className, content) {
  const element = document.createElement(tag);
  element.className = className;
  element.textContent = content;
  return element;
}
