// The 404 page. An address that ends in a bucket file's path ("/message_board/x.md", "/results/
// x.md", "/agents/x.md", a Hub address of the file pasted after the site's) names that file's
// page: its address is worked out by the builder's rules (the readers' ids, builder/urls.py;
// tests compare the two) and, when that page exists, offered as "Did you mean …". The search
// field offers the words of the address (of the file's name, for a bucket path), for a link that
// was moved or mistyped: "/messages/20260706-082259_kestrel_helo/" -> "kestrel helo". The field
// is the header's search box (base.html), the page's only one.
(function () {
  "use strict";
  const SECTIONS = new Set(["messages", "results", "agents", "traces", "taskforces", "page",
                            "agent", "type", "to", "index", "html", "md", "json", "about", "search"]);
  // rule -> the path of the page below its kind's pages, from the file's place below its folder
  // (its name; a trace's agent, session and file; a taskforce's folder and file), or null.
  const RULES = {
    "legacy-result": async (parts) => parts.length === 1 && /\.json$/.test(parts[0])
      ? await slug("legacy-" + stem(parts[0])) : null,
    result: async (parts) => parts.length === 1 && /\.md$/.test(parts[0])
      ? await slug(stem(parts[0])) : null,
    message: async (parts) => parts.length === 1 && /\.md$/.test(parts[0])
      ? await slug(messageId(parts[0])) : null,
    agent: async (parts) => parts.length === 1 && /\.md$/.test(parts[0])
      ? await slug(stem(parts[0])) : null,
    trace: async (parts) => parts.length === 2 || parts.length === 3
      ? (await slug(parts[0])) + "/" + await slug(parts[1]) : null,
    taskforce: async (parts) => parts.length === 1 || parts.length === 2 ? await slug(parts[0]) : null,
  };

  // builder/slugs.py: slugify (_RESERVED, _HASHED_SHAPE)
  const RESERVED = new Set(["page", "index.html"]);
  const HASHED = /--[0-9a-f]{12}$/;
  async function slug(name) {
    const safe = name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "")
      .slice(0, 80) || "x";
    if (safe === name && !RESERVED.has(safe) && !HASHED.test(safe)) return safe;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(name));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    return safe + "--" + hex.slice(0, 12);
  }

  // readers/values.py: stem
  function stem(name) {
    return name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name;
  }

  // readers/messages.py: message_id
  function messageId(name) {
    return name.trim().replace(/\.md$/, "");
  }

  // {page, file, name} of the bucket file the path's segments end with, or null.
  async function bucketPage(segments, kinds) {
    for (let start = 0; start < segments.length; start++) {
      for (const kind of kinds) {
        for (const folder of kind.folders) {
          const depth = folder.split("/").length;
          if (segments.slice(start, start + depth).join("/") !== folder) continue;
          const parts = segments.slice(start + depth);
          const below = parts.length ? await RULES[kind.rule](parts) : null;
          if (below) {
            return { page: kind.pages + below + "/", file: segments.slice(start).join("/"),
                     name: parts.join(" ") };
          }
        }
      }
    }
    return null;
  }

  // The page's heading, when the page exists.
  async function headingOf(url) {
    const response = await fetch(url);
    if (!response.ok) return null;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const heading = page.querySelector("h1");
    return heading ? heading.textContent.trim() : url;
  }

  async function offer(guess, found) {
    const heading = await headingOf(found.page);
    if (!heading) return;
    const file = document.createElement("code");
    file.textContent = found.file;
    const link = document.createElement("a");
    link.href = found.page;
    link.textContent = heading;
    guess.replaceChildren("This address names the bucket file ", file, ". Did you mean ", link, "?");
    guess.hidden = false;
  }

  function words(text) {
    return text.split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word && !/^\d+$/.test(word) && !SECTIONS.has(word.toLowerCase()))
      .slice(0, 8).join(" ");
  }

  async function main() {
    const field = document.getElementById("site-search-q");
    const guess = document.getElementById("notfound-guess");
    if (!field || !guess) return;
    let path = window.location.pathname.slice((guess.getAttribute("data-base") || "/").length);
    try {
      path = decodeURIComponent(path);
    } catch (error) {
      return;                           // an address that is not UTF-8: nothing to offer
    }
    if (field.value) return;            // what the visitor typed, kept by the browser
    const offered = field.value = words(path);
    if (!window.crypto || !crypto.subtle) return;    // no SHA-256 but on https and localhost
    const kinds = JSON.parse(guess.getAttribute("data-bucket-pages"));
    const found = await bucketPage(path.split("/").filter(Boolean), kinds);
    if (!found || found.page === window.location.pathname) return;
    if (field.value === offered) field.value = words(found.name);
    await offer(guess, found);
  }

  main();
})();
