// What is new for this visitor, on the leaderboard and the message pages.
// 1. "New since your last visit": marks the messages posted after the newest one this browser had
// been shown on an earlier visit. Kept in this browser's storage only; nothing is sent anywhere.
// A visit is a browser session: the marks stay the same on every page of one visit.
// 2. "Newer data": a page left open asks the site, every few minutes while it is shown, whether
// its own file changed (a HEAD request to its address: no data, nothing sent but the request)
// and says so once it has, with a link to the new version. The site is rebuilt, never updated.
(function () {
  const brand = document.querySelector(".brand");
  const key = "collab-site:seen:" + (brand ? brand.getAttribute("href") : "/");
  const items = [];
  for (const item of document.querySelectorAll("ol.messages > li")) {
    const time = item.querySelector("time[datetime]");
    if (time && time.getAttribute("datetime")) items.push([item, time.getAttribute("datetime")]);
  }
  if (!items.length) return;
  let since = null;
  let seen = null;
  try {
    since = sessionStorage.getItem(key);
    seen = localStorage.getItem(key);
    if (since === null) {
      since = seen || "";
      sessionStorage.setItem(key, since);
    }
    const newest = items.reduce((max, [, iso]) => (iso > max ? iso : max), seen || "");
    localStorage.setItem(key, newest);
  } catch (error) {
    return;                              // storage refused (private mode): nothing to compare with
  }
  if (!since) return;                    // a first visit: everything is new, nothing is marked
  let count = 0;
  for (const [item, iso] of items) {
    if (iso <= since) continue;
    count += 1;
    item.classList.add("is-new");
    const badge = document.createElement("span");
    badge.className = "badge new";
    badge.textContent = "new";
    item.prepend(badge, " ");
  }
  if (!count) return;
  const note = document.createElement("p");
  note.className = "new-note";
  note.textContent = `${count} new message${count === 1 ? "" : "s"} on this page since your last visit.`;
  const list = items[0][0].closest("ol.messages");
  const where = list.closest("section.day") || list;
  where.before(note);
})();

(function () {
  const EVERY_MS = 5 * 60 * 1000;
  const address = location.pathname;
  let first = null;
  let timer = null;

  // The server's name for the page's version: its ETag, else when it last changed, else its size.
  async function version() {
    const response = await fetch(address, { method: "HEAD", cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const h = response.headers;
    return h.get("ETag") || h.get("Last-Modified") || h.get("Content-Length");
  }

  function announce() {
    const note = document.createElement("p");
    note.className = "fresh-note";
    note.setAttribute("role", "status");
    note.append("This page has newer data than when you opened it. ");
    const link = document.createElement("a");
    link.href = location.href;
    link.textContent = "Show the new version";
    note.append(link);
    document.querySelector("main").prepend(note);
  }

  async function check() {
    if (document.visibilityState !== "visible") return;
    let now;
    try {
      now = await version();
    } catch (error) {
      return;                            // offline or failing for now: ask again later
    }
    if (now === null) return stop();     // the server does not say: nothing to compare
    if (first === null) first = now;
    else if (now !== first) { stop(); announce(); }
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    document.removeEventListener("visibilitychange", check);
  }

  timer = setInterval(check, EVERY_MS);
  document.addEventListener("visibilitychange", check);
  check();
})();
