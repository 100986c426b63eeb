// The search page: runs the search the address names (?q=&kind=&agent=&type=&from=&to=&sort=)
// with the site's Pagefind index, which is loaded only once the visitor searches.
// Results are built as DOM nodes: text from the index is only ever set as text, and Pagefind's
// <mark> highlights are rebuilt from an inert parse of its excerpt.
//
// The index is in shards, oldest first (shards.json), each searched by a Pagefind instance of
// its own (with the runtime's own small index, which the "shard" filter leaves out), and the
// shards' answers are merged here: by score, or by date in shard order (shards do not overlap
// in time). A shard in which a word is not found answers with the pages of the longest word it
// has that starts the query word ("a" for "autoregressive"); such a shard's answer is dropped.
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const FIELDS = ["q", "kind", "agent", "type", "from", "to", "sort"];
const KINDS = { message: "Message", result: "Result", agent: "Agent", trace: "Trace" };
const BATCH = 20;
// What Pagefind takes out of a query before looking words up (punctuation, case, accents).
const PUNCTUATION = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;

let engine = null;       // the shards' Pagefind instances, once loading
let found = [];          // results of the latest search (their data is loaded on demand)
let shown = 0;
let latest = 0;          // number of the latest search: older answers are dropped

function state() {
  const data = new FormData(form);
  return Object.fromEntries(FIELDS.map((name) => [name, String(data.get(name) || "").trim()]));
}

function restore(params) {
  for (const name of FIELDS) {
    const field = form.elements[name];
    if (field) field.value = params.get(name) || "";
  }
}

function pagefind() {
  if (!engine) {
    engine = load().catch((error) => {
      engine = null;                 // the next search tries again
      throw error;
    });
  }
  return engine;
}

async function load() {
  const bundle = form.dataset.bundle;
  const base = form.dataset.base;
  const [module, index] = await Promise.all([
    import(bundle + "pagefind.js"),
    fetch(bundle + "shards.json", { cache: "no-cache" }).then((r) => r.json()),
  ]);
  return Promise.all(index.shards.map(async (name) => {
    const pf = module.createInstance({ baseUrl: base, metaCacheTag: index.runtime });
    await pf.mergeIndex(bundle + name + "/", { baseUrl: base, mergeFilter: { shard: name } });
    return { name, pf };
  }));
}

async function filtersFor(s, shards) {
  const filters = {};
  for (const name of ["kind", "agent", "type"]) if (s[name]) filters[name] = s[name];
  if (s.from || s.to) {
    const days = new Set();
    for (const all of await Promise.all(shards.map((shard) => shard.pf.filters()))) {
      for (const day of Object.keys(all.day || {})) days.add(day);
    }
    filters.day = { any: [...days].filter((d) => (!s.from || d >= s.from) && (!s.to || d <= s.to)) };
  }
  return filters;
}

function sortFor(s) {
  if (s.sort === "newest") return { date: "desc" };
  if (s.sort === "oldest") return { date: "asc" };
  return undefined;
}

function normalized(text) {
  return text.toLocaleLowerCase("en").normalize("NFD").replace(/\p{M}/gu, "").replace(PUNCTUATION, "");
}

// Does this shard's answer hold the query's words? It does when, for every word, the matched
// words of its best page contain it, or the shard has the word's stem itself (an exact search,
// which never falls back to a shorter word: "speculative" matching "speculation").
async function answers(shard, results, term) {
  if (!term || !results.length) return true;
  const page = await results[0].data();
  const words = page.raw_content.split(/[\r\n\s]+/g);
  const matched = page.locations.map((at) => normalized(words[at] || ""));
  for (const word of normalized(term).split(/\s+/).filter(Boolean)) {
    if (matched.some((m) => m.includes(word))) continue;
    const exact = await shard.pf.search(`"${word}"`, { filters: { shard: shard.name } });
    if (!exact.results.length) return false;
  }
  return true;
}

async function resultsFor(shards, term, filters, sort) {
  const answered = await Promise.all(shards.map(async (shard) => {
    const { results } = await shard.pf.search(term, { filters: { ...filters, shard: shard.name }, sort });
    return (await answers(shard, results, term)) ? results : [];
  }));
  if (!sort) return answered.flat().sort((a, b) => b.score - a.score);
  return (sort.date === "desc" ? answered.reverse() : answered).flat();
}

function say(text) {
  status.textContent = text;
}

async function search() {
  const s = state();
  const number = ++latest;
  const params = new URLSearchParams(Object.entries(s).filter(([, v]) => v));
  history.replaceState(null, "", params.size ? "?" + params : location.pathname);
  list.replaceChildren();
  more.hidden = true;
  found = [];
  shown = 0;
  if (!s.q && !s.kind && !s.agent && !s.type && !s.from && !s.to) {
    say("");
    return;
  }
  say("Searching…");
  let results;
  try {
    const shards = await pagefind();
    const filters = await filtersFor(s, shards);
    if (filters.day && filters.day.any.length === 0) {
      results = [];
    } else {
      results = await resultsFor(shards, s.q || null, filters, sortFor(s));
    }
  } catch (error) {
    if (number === latest) say("Search is not available on this copy of the site.");
    return;
  }
  if (number !== latest) return;
  found = results;
  const what = s.q ? ` for “${s.q}”` : "";
  say(found.length === 1 ? `1 result${what}.` : `${found.length.toLocaleString("en")} results${what}.`);
  await showMore(number);
}

async function showMore(number = latest) {
  const batch = found.slice(shown, shown + BATCH);
  const pages = await Promise.all(batch.map((r) => r.data()));
  if (number !== latest) return;
  list.append(...pages.map(resultItem));
  shown += batch.length;
  more.hidden = shown >= found.length;
}

function resultItem(page) {
  const item = document.createElement("li");
  const title = document.createElement("a");
  title.className = "search-title";
  title.href = page.url;
  title.textContent = (page.meta && page.meta.title) || page.url;
  const heading = document.createElement("h2");
  heading.append(title);
  const meta = document.createElement("p");
  meta.className = "search-meta";
  const filters = page.filters || {};
  const kind = KINDS[(filters.kind || [])[0]] || "";
  const parts = [kind, (filters.agent || []).join(", "), (filters.type || []).join(", "),
                 (page.meta && page.meta.time) || ""];
  meta.textContent = parts.filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  excerpt.append(highlighted(page.excerpt || ""));
  item.append(heading, meta, excerpt);
  return item;
}

function highlighted(excerpt) {
  const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html");
  const out = document.createDocumentFragment();
  for (const node of parsed.body.firstChild ? parsed.body.firstChild.childNodes : []) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

let typing = 0;
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(search, 250);
});
form.addEventListener("change", (event) => {
  if (event.target !== input) search();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  search();
});
more.addEventListener("click", () => showMore());
restore(new URLSearchParams(location.search));
search();
