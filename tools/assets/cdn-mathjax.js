/* Written by tools/assets.py without npm: loads MathJax from a CDN (needs a network). */
(function () {
  var s = document.createElement("script");
  s.async = true;
  s.src = "https://cdn.jsdelivr.net/npm/mathjax@__VERSION__/es5/tex-mml-chtml.js";
  document.head.appendChild(s);
})();
