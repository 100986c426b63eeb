// On a phone the menu is one line that scrolls sideways, and the current page's link may lie
// past its right edge ("Traces", "About"): scroll the line, not the page, to show it. Without
// JavaScript the line starts at "Leaderboard", as before.
(function () {
  "use strict";
  const EDGE = 40;            // the room the stylesheet's scroll-padding-inline leaves at each end

  const menu = document.querySelector("header.top nav");
  if (!menu) return;

  function show(link) {
    if (menu.scrollWidth <= menu.clientWidth) return;
    const line = menu.getBoundingClientRect(), box = link.getBoundingClientRect();
    if (box.right > line.right - EDGE) menu.scrollLeft += box.right - (line.right - EDGE);
    else if (box.left < line.left + EDGE) menu.scrollLeft -= (line.left + EDGE) - box.left;
  }

  const current = menu.querySelector("a[aria-current]");
  if (current) show(current);
  // Tab alone scrolls the last link ("Bucket ↗") only part way in, its focus ring cut off
  menu.addEventListener("focusin", (event) => show(event.target));
})();
