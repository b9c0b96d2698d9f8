/* The book's own page script (tools/theme/, served from _static): points the static
   explorers' "launch this page" links at the page's own Binder button. */
document.addEventListener("DOMContentLoaded", function () {
  var launch = document.querySelector('a[href*="mybinder"], a[href*="colab.research"]');
  document.querySelectorAll("a.d2l-launch").forEach(function (a) {
    if (launch) a.href = launch.href; else a.removeAttribute("href");
  });
});

/* The download menu offers what the page's Downloads line links (the book as PDF, all
   notebooks as a zip; tools/sphinxext/downloads.py), and calls its print item what it
   is: a print of this page. */
document.addEventListener("DOMContentLoaded", function () {
  var menu = document.querySelector(".dropdown-download-buttons ul.dropdown-menu");
  if (!menu) return;
  var print = menu.querySelector(".btn-download-pdf-button .btn__text-container");
  if (print) print.textContent = "print page";
  var labels = { pdf: "book (.pdf)", zip: "notebooks (.zip)" };
  document.querySelectorAll("p.d2l-downloads a[href]").forEach(function (link) {
    var kind = link.getAttribute("href").split(".").pop();
    var item = document.createElement("li");
    var a = document.createElement("a");
    a.href = link.getAttribute("href");
    a.setAttribute("download", "");
    a.className = "btn btn-sm dropdown-item d2l-download-" + kind;
    a.title = link.textContent;
    var icon = document.createElement("span");
    icon.className = "btn__icon-container";
    icon.innerHTML = '<i class="fas ' + (kind === "zip" ? "fa-file-zipper" : "fa-book") + '"></i>';
    var text = document.createElement("span");
    text.className = "btn__text-container";
    text.textContent = labels[kind] || link.textContent;
    a.appendChild(icon);
    a.appendChild(text);
    item.appendChild(a);
    menu.appendChild(item);
  });
});
