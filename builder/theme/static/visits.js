// "New since your last visit": marks the messages posted after the newest one this browser had
// been shown on an earlier visit. Kept in this browser's storage only; nothing is sent anywhere.
// A visit is a browser session: the marks stay the same on every page of one visit.
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
