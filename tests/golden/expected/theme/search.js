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
        }));
        await pagefind.options({ baseUrl: base, mergeFilter: { level: "0" } });
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
    status.textContent = "Searching…";
    const { pagefind, levels } = await load();
    const filters = {};
    if (query.section) filters.section = query.section;
    if (query.author) filters.author = query.author;
    const sort = query.sort === "newest" ? { date: "desc" } : {};
    const found = await Promise.all(
      levels.map((level) =>
        pagefind
          .search(query.q, { filters: { ...filters, level: level.tag }, sort })
          .then((response) => (response ? response.results : []))
          .then((results) => results.filter((result) => !level.hidden.has(result.id)))
      )
    );
    if (id !== searches) return;
    const total = found.reduce((sum, results) => sum + results.length, 0);
    const next = query.sort === "newest" ? newestFirst(found) : bestFirst(found);
    current = { id, next, total, shown: 0 };
    list.replaceChildren();
    empty.hidden = total > 0;
    const order = query.sort === "newest" ? "newest first" : "best match first";
    status.textContent = total
      ? `${total} ${total === 1 ? "story" : "stories"} found for “${query.q}”, ${order}.`
      : `No stories found for “${query.q}”.`;
    await showMore(false);
  }

  async function showMore(focus) {
    const shown = current;
    if (!shown) return;
    more.hidden = true;
    let first = null;
    for (let count = 0; count < PAGE; count++) {
      const data = await shown.next();
      if (!data || shown !== current) break;
      const item = render(data);
      list.append(item);
      shown.shown += 1;
      if (!first) first = item.querySelector("a");
    }
    if (shown !== current) return;
    more.hidden = shown.shown >= shown.total;
    if (focus && first) first.focus();
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
  fill(params);
  if (params.get("q")) {
    search(wanted());
  } else {
    load(); // ready when the reader has typed
  }
}

/* Each level's results come newest first; the newest of the levels' first results is
   shown next. A result's date is in its fragment, loaded only when it is a level's next. */
function newestFirst(levels) {
  const heads = levels.map(() => 0);
  const loaded = new Map();
  function data(result) {
    if (!loaded.has(result.id)) loaded.set(result.id, result.data());
    return loaded.get(result.id);
  }
  return async function next() {
    const candidates = [];
    levels.forEach((results, number) => {
      if (heads[number] < results.length) candidates.push(number);
    });
    if (!candidates.length) return null;
    const firsts = await Promise.all(
      candidates.map((number) => data(levels[number][heads[number]]))
    );
    let best = 0;
    firsts.forEach((fragment, at) => {
      if (published(fragment) > published(firsts[best])) best = at;
    });
    const number = candidates[best];
    heads[number] += 1;
    // The level that gave this result likely gives the next ones too: ask for them now.
    levels[number].slice(heads[number], heads[number] + 2).forEach(data);
    return firsts[best];
  };
}

function bestFirst(levels) {
  const results = levels.flat().sort((a, b) => b.score - a.score);
  let at = 0;
  const ahead = [];
  return async function next() {
    while (ahead.length < PAGE && at + ahead.length < results.length) {
      ahead.push(results[at + ahead.length].data());
    }
    if (!ahead.length) return null;
    at += 1;
    return ahead.shift();
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
  const byline = [meta.author ? `By ${meta.author}` : "", meta.date || ""].filter(Boolean);
  text.append(line("p", "search-result__meta", byline.join(" · ")));
  item.append(media, text);
  return item;
}

function line(tag, className, content) {
  const element = document.createElement(tag);
  element.className = className;
  element.textContent = content;
  return element;
}
