// Search snippets when the book is read from file:// (loaded on search.html only).
//
// Sphinx's search fetches each hit's page to cut a snippet from it, and browsers
// refuse fetch() between file:// pages. tools/sphinxext/offline_search.py writes
// every page's text into _static/d2l-search-text.js (window.D2L_SEARCH_PAGES,
// keyed by document name); this answers those fetches from it. Over http the
// pages are fetched as usual.
(() => {
  if (window.location.protocol !== "file:" || !window.fetch) return;
  const fetchPage = window.fetch.bind(window);
  window.fetch = (resource, init) => {
    const pages = window.D2L_SEARCH_PAGES || {};
    const root = new URL(document.documentElement.dataset.content_root || "./",
                         window.location.href).href;
    const url = new URL(typeof resource === "string" ? resource : resource.url,
                        window.location.href);
    const path = url.href.split(/[?#]/)[0];
    if (path.startsWith(root) && path.endsWith(".html")) {
      const doc = decodeURIComponent(path.slice(root.length, -".html".length));
      if (Object.prototype.hasOwnProperty.call(pages, doc)) {
        return Promise.resolve(new Response(pages[doc], {
          status: 200, headers: { "Content-Type": "text/html; charset=utf-8" },
        }));
      }
    }
    return fetchPage(resource, init);
  };
})();
