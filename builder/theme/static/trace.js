// Session pages: "Expand all cards" / "Collapse all cards" for the transcript's tool, thinking
// and plumbing cards (shown only when there is more than one card to open).
(function () {
  const controls = document.querySelector(".fold-all");
  const cards = document.querySelectorAll(".transcript details.item");
  if (!controls || cards.length < 2) return;
  for (const button of controls.querySelectorAll("button[data-fold]")) {
    button.addEventListener("click", () => {
      const open = button.dataset.fold === "open";
      for (const card of cards) card.open = open;
    });
  }
  controls.hidden = false;
})();
