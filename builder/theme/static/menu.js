// On a phone the menu is one line that scrolls sideways, and the current page's link may lie
// past its right edge ("Traces", "About"): scroll the line, not the page, to show it. Without
// JavaScript the line starts at "Leaderboard", as before.
(function () {
  "use strict";
  const EDGE = 40;            // the room the stylesheet's scroll-padding-inline leaves at each end

  const menu = document.querySelector("header.top nav");
  const current = menu && menu.querySelector("a[aria-current]");
  if (!current || menu.scrollWidth <= menu.clientWidth) return;
  const line = menu.getBoundingClientRect(), link = current.getBoundingClientRect();
  if (link.right > line.right - EDGE) menu.scrollLeft += link.right - (line.right - EDGE);
  else if (link.left < line.left + EDGE) menu.scrollLeft -= (line.left + EDGE) - link.left;
})();
