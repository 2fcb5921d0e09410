/* The search page: Pagefind's UI over the index in the site's pagefind/ folder.
   A ?q= in the address runs that search at once, and the address follows the query,
   so a search can be linked to and the Back button returns to it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-search]");
  if (!box || typeof window.PagefindUI !== "function") return;
  var base = box.getAttribute("data-base");
  var bundle = box.getAttribute("data-bundle");
  // The index comes in parts (older stories in stable blocks); search them all as one.
  var parts = (box.getAttribute("data-merge") || "").split(" ").filter(Boolean);

  function start(merged) {
    var ui = new window.PagefindUI({
      element: "#" + box.id,
      bundlePath: bundle,
      baseUrl: base,
      mergeIndex: merged ? [] : parts.map(function (path) {
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
  }

  // PagefindUI merges the parts one after another, two round trips each (seconds with
  // dozens of parts); asked for all at once here, they load in parallel. The UI imports
  // the same module, so it searches them all, and a search waits for every part to load.
  import(new URL(bundle + "pagefind.js", document.baseURI).href)
    .then(function (pagefind) {
      return pagefind.options({ baseUrl: base }).then(function () {
        parts.forEach(function (path) {
          pagefind.mergeIndex(path, { baseUrl: base });
        });
      });
    })
    .then(
      function () { start(true); },
      function () { start(false); }
    );
})();
