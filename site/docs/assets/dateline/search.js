/* Dateline: the search page. Pagefind's own UI, over the index `dateline build` writes into
 * pagefind/. A query in the URL (?q=Hawl, as the home page's search box sends) is run at once,
 * and each new query is written back to the URL so that a search can be shared. */
(function () {
  "use strict";

  var element = document.getElementById("dl-search");
  if (!element || typeof PagefindUI === "undefined") {
    return;
  }
  // The index is in shards: the first bundle is the primary one, the others are merged in.
  var bundles = element.getAttribute("data-bundles").split(" ");
  var ui = new PagefindUI({
    element: "#dl-search",
    bundlePath: bundles[0],
    mergeIndex: bundles.slice(1).map(function (path) {
      return { bundlePath: path };
    }),
    showSubResults: false,
    showImages: false,
    pageSize: 10,
    translations: { placeholder: "Search events, actors and places" },
    processTerm: function (term) {
      var url = new URL(location.href);
      if (term) {
        url.searchParams.set("q", term);
      } else {
        url.searchParams.delete("q");
      }
      history.replaceState(null, "", url);
      return term;
    },
  });
  // Pagefind labels its box only with a title; give it a real name.
  var input = element.querySelector(".pagefind-ui__search-input");
  if (input) {
    input.setAttribute("aria-label", "Search events, actors and places");
  }
  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
