// The search page: runs the search the address names (?q=&kind=&agent=&type=&from=&to=&sort=)
// with the site's Pagefind index, which is loaded only once the visitor searches.
// Results are built as DOM nodes: text from the index is only ever set as text, and Pagefind's
// <mark> highlights are rebuilt from an inert parse of its excerpt.
//
// The index is in shards, oldest first (shards.json), merged into the runtime's own small index.
// A result's id names its shard, then its fragment in the folder all shards share
// ("s2048/1a2b3c4d"; the runtime's one page has no shard and is never shown). Pagefind ranks
// the merged results by score; by date, it orders each shard's results but not the merged
// list, so they are put in shard order here (shards do not overlap in time). A shard in which
// a query word is not found answers with the pages of the longest word it has that starts the
// query word ("a" for "autoregressive"); that answer is dropped.
// A query that is an agent's (or a person's) name puts that agent's page first.
// How many results are shown and where the page is scrolled live in history.state, so Back
// to the search brings the visitor to the result they left from.
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const hints = document.getElementById("search-hints");     // what an empty page says
const FIELDS = ["q", "kind", "agent", "type", "from", "to", "sort"];
const KINDS = { message: "Message", result: "Result", agent: "Agent", person: "Person", trace: "Trace",
                taskforce: "Taskforce" };
const BATCH = 20;
const ECHOED = 80;       // characters of the query the status repeats
const EXCERPT = 30;      // words of an excerpt (Pagefind's own length)
// The pages' one Pagefind filter, of values "<name>:<value>" ("agent:kestrel", "day:2026-07-09"):
// a new page changes one filter file of its shard, not one per kind of filter.
const FACET = "facet";
// What Pagefind's runtime takes out of a query's words (punctuation: "2.42" is "242"), and the
// symbols at which Pagefind cuts the words it indexes into parts ("K=4" has the parts "k", "4";
// "≤" is no word at all). Emoji are symbols too, but Pagefind indexes them as words.
const PUNCTUATION = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;
const SYMBOL = /(?!\p{Extended_Pictographic})\p{S}/gu;

let engine = null;       // the Pagefind module with every shard merged, once loading
let found = [];          // results of the latest search (their data is loaded on demand)
let shown = 0;
let latest = 0;          // number of the latest search: older answers are dropped
const left = history.state || {};     // what the visitor had shown when they left this page
history.scrollRestoration = "manual"; // the results come after the browser would scroll

function state() {
  const data = new FormData(form);
  return Object.fromEntries(FIELDS.map((name) => [name, String(data.get(name) || "").trim()]));
}

// The days that have pages (a search can narrow by), for the From and To choices: written as
// the site writes a day ("2026-07-08"); a date input wrote it in the visitor's locale,
// 07/08/2026 in one country and 08/07/2026 in another. The page lists them in runs of days
// that follow each other ("2026-07-01/2026-07-09 2026-07-12").
const DAY_MS = 86400000;

function listDays(select) {
  for (const run of (select.dataset.days || "").split(" ").filter(Boolean)) {
    const [first, last = first] = run.split("/").map(Date.parse);
    for (let day = first; day <= last; day += DAY_MS) {
      const iso = new Date(day).toISOString().slice(0, 10);
      select.add(new Option(iso, iso));
    }
  }
}

function restore(params) {
  for (const name of FIELDS) {
    const field = form.elements[name];
    if (field) field.value = keptDay(field, params.get(name) || "");
  }
}

// A day the address asks for that the site has not (a range before its first day finds
// nothing, not everything): listed, so that the choice holds it.
function keptDay(field, value) {
  const day = (field.name === "from" || field.name === "to") && /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (day && ![...field.options].some((option) => option.value === value)) field.add(new Option(value, value));
  return value;
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
  const [pf, index] = await Promise.all([
    import(bundle + "pagefind.js"),
    fetch(bundle + "shards.json", { cache: "no-cache" }).then((r) => r.json()),
  ]);
  await pf.options({ baseUrl: base });
  await Promise.all(index.shards.map((name) => pf.mergeIndex(bundle + name + "/", { baseUrl: base })));
  return { pf, shards: index.shards };
}

// The search's filters, or null when its dates hold no day of the site.
async function filtersFor(s, pf) {
  const facets = ["kind", "agent", "type"].filter((name) => s[name]).map((name) => `${name}:${s[name]}`);
  const filters = facets.length ? [{ [FACET]: facets }] : [];
  if (s.from || s.to) {
    const days = valuesOf(Object.keys((await pf.filters())[FACET] || {}), "day")
      .filter((d) => (!s.from || d >= s.from) && (!s.to || d <= s.to));
    if (!days.length) return null;
    filters.push({ [FACET]: { any: days.map((d) => `day:${d}`) } });
  }
  return filters.length ? { all: filters } : {};
}

// ["kind:message", "agent:kestrel"], "agent" -> ["kestrel"]
function valuesOf(facets, name) {
  return facets.filter((f) => f.startsWith(name + ":")).map((f) => f.slice(name.length + 1));
}

function sortFor(s) {
  if (s.sort === "newest") return { date: "desc" };
  if (s.sort === "oldest") return { date: "asc" };
  return undefined;
}

// A text's words as Pagefind looks them up, in lower case: split at white space and at symbols,
// without punctuation. Pagefind's runtime keeps the symbols in a query's words, so a word such
// as "K=4" or "≤" matched no word of the index: the query goes to Pagefind as these words.
function wordsOf(text) {
  return text.toLocaleLowerCase("en").replace(SYMBOL, " ").replace(PUNCTUATION, "").split(/\s+/)
    .filter(Boolean);
}

// A word to compare with another: without accents (Pagefind finds "café" for "cafe").
function folded(word) {
  return word.normalize("NFD").replace(/\p{M}/gu, "");
}

function shardOf(result) {
  const at = result.id.indexOf("/");
  return at >= 0 ? result.id.slice(0, at) : null;
}

// Does a shard's answer hold the query's words? It does when the shard has each word's stem
// (an exact search, which never falls back to a shorter word, finds "speculation" for
// "speculative"), or else when the matched words of its best page contain the word.
async function answers(results, words, stems) {
  const shard = results.length ? shardOf(results[0]) : null;
  const missing = words.filter((word, i) => !stems[i].has(shard));
  if (!results.length || !missing.length) return true;
  const page = await results[0].data();
  const text = page.raw_content.split(/[\r\n\s]+/g);
  const matched = page.locations.map((at) => folded(wordsOf(text[at] || "").join(" ")));
  return missing.every((word) => matched.some((m) => m.includes(word)));
}

async function resultsFor({ pf, shards }, term, filters, sort) {
  const words = term ? term.split(" ").map(folded) : [];
  const [{ results }, ...stems] = await Promise.all([
    pf.search(term, { filters, sort }),
    ...words.map((word) => pf.search(`"${word}"`).then((r) => new Set(r.results.map(shardOf)))),
  ]);
  const byShard = new Map(shards.map((name) => [name, []]));
  for (const result of results) byShard.get(shardOf(result))?.push(result);
  const kept = await Promise.all(shards.map((name) => answers(byShard.get(name), words, stems)));
  shards.forEach((name, i) => {
    if (!kept[i]) byShard.set(name, []);
  });
  if (sort) return (sort.date === "desc" ? [...shards].reverse() : shards).flatMap((n) => byShard.get(n));
  const shown = new Set([...byShard.values()].flat());
  return results.filter((result) => shown.has(result));
}

// The results with the page of the agent `term` names first, when they hold it. Pagefind's
// score puts first the pages that mention a name most, often messages to that agent. The
// names are the agent filter's choices: Pagefind's list of filter values would fetch a file
// of every shard of the index, for every search of one word.
async function agentPageFirst(pf, term, results) {
  if (!term || term.includes(" ")) return results;
  const name = folded(term);
  const agent = [...form.elements.agent.options].map((option) => option.value)
    .find((id) => id && folded(wordsOf(id).join("")) === name);
  if (agent === undefined) return results;
  const page = await pf.search(null, { filters: { all: [{ [FACET]: [`agent:${agent}`] },
                                                        { [FACET]: { any: ["kind:agent", "kind:person"] } }] } });
  const ids = new Set(page.results.map((r) => r.id));
  const first = results.filter((r) => ids.has(r.id));
  return first.length ? [...first, ...results.filter((r) => !ids.has(r.id))] : results;
}

function say(text) {
  status.textContent = text;
}

async function search(back = {}) {
  const s = state();
  const number = ++latest;
  const params = new URLSearchParams(Object.entries(s).filter(([, v]) => v));
  history.replaceState(null, "", params.size ? "?" + params : location.pathname);
  list.replaceChildren();
  more.hidden = true;
  found = [];
  shown = 0;
  const empty = !s.q && !s.kind && !s.agent && !s.type && !s.from && !s.to;
  if (hints) hints.hidden = !empty;
  if (empty) {
    say("");
    return;
  }
  say("Searching…");
  let results;
  try {
    const loaded = await pagefind();
    const filters = await filtersFor(s, loaded.pf);
    const term = wordsOf(s.q).join(" ") || null;      // "+" alone is no word: it finds nothing
    results = filters && (term || !s.q) ? await resultsFor(loaded, term, filters, sortFor(s)) : [];
    if (!sortFor(s)) results = await agentPageFirst(loaded.pf, term, results);
  } catch (error) {
    if (number === latest) say("Search is not available on this copy of the site.");
    return;
  }
  if (number !== latest) return;
  found = results;
  const asked = s.q.length > ECHOED ? s.q.slice(0, ECHOED - 1) + "…" : s.q;
  const what = s.q ? ` for “${asked}”` : "";
  say(found.length === 1 ? `1 result${what}.` : `${found.length.toLocaleString("en")} results${what}.`);
  await showUpTo(Math.max(BATCH, back.shown || 0), number);
  if (number === latest && back.scroll) window.scrollTo(0, back.scroll);
}

// Shows the results up to `count`; returns the first item it added (null if none, or if a newer
// search has started).
async function showUpTo(count, number = latest) {
  const batch = found.slice(shown, count);
  const pages = await Promise.all(batch.map((r) => r.data()));
  if (number !== latest) return null;
  const items = pages.map(resultItem);
  list.append(...items);
  shown += batch.length;
  more.hidden = shown >= found.length;
  remember();
  return items[0] || null;
}

function remember() {
  history.replaceState({ shown, scroll: Math.round(window.scrollY) }, "");
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
  const facets = (page.filters || {})[FACET] || [];
  const kind = KINDS[valuesOf(facets, "kind")[0]] || "";
  const parts = [kind, valuesOf(facets, "agent").join(", "), valuesOf(facets, "type").join(", ")];
  meta.textContent = parts.filter(Boolean).join(" · ");
  const when = (page.meta && page.meta.time) || "";
  if (when) {                          // a date whole: not "2026-" / "07-06 17:32 UTC"
    const time = document.createElement("span");
    time.className = "when";
    time.textContent = when;
    meta.append(meta.textContent ? " · " : "", time);
  }
  item.append(heading, meta);
  const text = excerptOf(page, title.textContent);
  if (text) {                          // a page that is all title has nothing more to show
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.append(highlighted(text));
    item.append(excerpt);
  }
  return item;
}

// The excerpt of a page's text after its title. A page's text starts with its title (its heading,
// or a message's opening words): Pagefind's excerpt then repeats the line above it. This one is
// Pagefind's own (the window of words that holds the most of the matches, each in <mark>), taken
// from the words after the title.
function excerptOf(page, title) {
  const text = page.raw_content || "";
  const words = text.split(/[\r\n\s]+/g);
  const skip = text.includes("\u200B") ? 0 : titleLength(words, title);
  if (!skip) return page.excerpt || "";
  const scores = [];
  for (const word of page.weighted_locations || []) {
    const at = word.location - skip;
    if (at >= 0) scores[at] = (scores[at] || 0) + word.balanced_score;
  }
  const start = skip + densest(scores);
  const marked = new Set(page.locations);
  return words.slice(start, start + EXCERPT)
    .map((word, i) => (marked.has(start + i) ? `<mark>${word}</mark>` : word)).join(" ").trim();
}

// How many of `words` are the title's, when they start with all of it (a title cut with "…"
// ends in part of a word), else 0. The words are as Pagefind keeps them: "<" and ">" escaped.
function titleLength(words, title) {
  const own = title.replace(/</g, "&lt;").replace(/>/g, "&gt;").split(/\s+/).filter(Boolean);
  const cut = own.length && own[own.length - 1].endsWith("…");
  const whole = own.every((word, i) => words[i] === word
    || (cut && i === own.length - 1 && words[i] && words[i].startsWith(word.slice(0, -1))));
  return whole ? own.length : 0;
}

// Where the window of EXCERPT words with the highest sum of scores starts: the middle one of the
// run of windows that share it, as Pagefind picks it (0 when the words fit in one window).
function densest(scores) {
  if (scores.length <= EXCERPT) return 0;
  let sum = 0, best = -1, run = [];
  for (let i = 0; i < EXCERPT; i++) sum += scores[i] || 0;
  for (let start = 0; start < scores.length; start++) {
    if (start) sum += (scores[start + EXCERPT - 1] || 0) - (scores[start - 1] || 0);
    if (sum > best) {
      best = sum;
      run = [start];
    } else if (sum === best && run[run.length - 1] === start - 1) {
      run.push(start);
    }
  }
  return run[Math.floor(run.length / 2)];
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
  pagefind().catch(() => {});          // the index loads while the visitor types
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
more.addEventListener("click", async () => {
  const first = await showUpTo(shown + BATCH);
  if (first) first.querySelector("a").focus();     // not <body>, when the button hides
});
let scrolling = 0;
window.addEventListener("scroll", () => {
  clearTimeout(scrolling);
  scrolling = setTimeout(remember, 200);
});
list.addEventListener("click", remember);         // the result followed, before the page goes
const asked = new URLSearchParams(location.search);
listDays(form.elements.from);
listDays(form.elements.to);
restore(asked);
// On a phone the open filters filled the first screen before any result: they start closed
// there (the style sheet hides them until this runs, so nothing moves), unless the address sets one.
const filters = document.getElementById("search-filters");
if (matchMedia("(max-width: 640px)").matches && !FIELDS.some((name) => name !== "q" && asked.get(name))) {
  filters.open = false;
}
filters.classList.add("decided");
search(left);
