/* Written into the book by tools/assets.py. Runs on pages with widgets, after
   RequireJS and before the ipywidgets HTML manager:
   1. RequireJS resolves the manager's modules, and so its icon fonts, in the
      folder named below (next to this file, or the CDN without npm) instead of
      next to the page;
   2. the manager typesets widget labels with MathJax 2's MathJax.Hub.Queue,
      which MathJax 3 lacks: map it onto MathJax 3's typesetPromise. */
(function () {
  var here = document.currentScript.src;
  window.require.config({
    paths: {"@jupyter-widgets/html-manager/dist": __WIDGETS_DIST__}
  });
  function hub() {
    var M = window.MathJax;
    if (!M || M.Hub) return;
    M.Hub = {Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        var mj = window.MathJax;
        if (Array.isArray(job) && job[0] === "Typeset" && mj.startup) {
          mj.startup.promise.then(function () {
            return mj.typesetPromise([job[2]]);
          });
        }
      });
    }};
  }
  hub();
  document.addEventListener("DOMContentLoaded", hub);
  window.addEventListener("load", hub);
})();
