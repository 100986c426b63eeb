// The search page: runs the search the address names (?q=&kind=&agent=&type=&from=&to=&sort=)
// with the site's Pagefind index, which is loaded only once the visitor searches.
// Results are built as DOM nodes: text from the index is only ever set as text, and Pagefind's
// <mark> highlights are rebuilt from an inert parse of its excerpt.
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const FIELDS = ["q", "kind", "agent", "type", "from", "to", "sort"];
const KINDS = { message: "Message", result: "Result", agent: "Agent", trace: "Trace" };
const BATCH = 20;

let engine = null;       // the Pagefind module, once loaded
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

async function pagefind() {
  if (!engine) {
    const module = await import(form.dataset.bundle + "pagefind.js");
    await module.options({ baseUrl: form.dataset.base });
    engine = module;
  }
  return engine;
}

async function filtersFor(s, pf) {
  const filters = {};
  for (const name of ["kind", "agent", "type"]) if (s[name]) filters[name] = s[name];
  if (s.from || s.to) {
    const days = Object.keys((await pf.filters()).day || {});
    filters.day = { any: days.filter((d) => (!s.from || d >= s.from) && (!s.to || d <= s.to)) };
  }
  return filters;
}

function sortFor(s) {
  if (s.sort === "newest") return { date: "desc" };
  if (s.sort === "oldest") return { date: "asc" };
  return undefined;
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
    const pf = await pagefind();
    const filters = await filtersFor(s, pf);
    if (filters.day && filters.day.any.length === 0) {
      results = [];
    } else {
      results = (await pf.search(s.q || null, { filters, sort: sortFor(s) })).results;
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
