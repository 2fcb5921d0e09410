/* The search page: Pagefind's UI over the index in the site's pagefind/ folder.
   A ?q= in the address runs that search at once, and the address follows the query,
   so a search can be linked to and the Back button returns to it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-search]");
  if (!box || typeof window.PagefindUI !== "function") return;
  var base = box.getAttribute("data-base");
  // The index comes in parts (older stories in stable blocks); search them all as one.
  var parts = (box.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  var ui = new window.PagefindUI({
    element: "#" + box.id,
    bundlePath: box.getAttribute("data-bundle"),
    baseUrl: base,
    mergeIndex: parts.map(function (path) {
      return { bundlePath: path, baseUrl: base };
    }),
    showSubResults: false,
    showImages: true,
    processTerm: function (term) {
      if (window.history && window.URL) {
        var url = new URL(window.location.href);
        if (term) url.searchParams.set("q", term);
        else url.searchParams.delete("q");
        window.history.replaceState(null, "", url.href);
      }
      return term;
    },
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
