/* The book's own page script (tools/theme/, served from _static): points the static
   explorers' "launch this page" links at the page's own Binder button. */
document.addEventListener("DOMContentLoaded", function () {
  var launch = document.querySelector('a[href*="mybinder"], a[href*="colab.research"]');
  document.querySelectorAll("a.d2l-launch").forEach(function (a) {
    if (launch) a.href = launch.href; else a.removeAttribute("href");
  });
});
