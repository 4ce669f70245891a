// Loom site script: theme toggle, copy buttons, progress checklist, search. Pages read fine without it.
(function () {
  "use strict";
  var root = document.documentElement;

  // Theme: system preference by default; the toggle stores an explicit choice.
  var toggle = document.getElementById("theme-toggle");
  if (toggle) toggle.addEventListener("click", function () {
    var dark = root.dataset.theme ? root.dataset.theme === "dark"
      : window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = dark ? "light" : "dark";
    try { localStorage.setItem("loom-theme", root.dataset.theme); } catch (e) {}
  });

  // Machine-dependent outputs (cells marked volatile) come from volatile/<page>.js.
  var volatile = window.LoomVolatile || {};
  document.querySelectorAll("[data-volatile]").forEach(function (box) {
    var html = volatile[box.getAttribute("data-volatile")];
    if (typeof html === "string") { box.innerHTML = html; box.classList.add("filled"); }
  });

  // Copy buttons on code cells.
  document.querySelectorAll(".cell-source .copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = button.closest(".cell-source").querySelector("pre code");
      var text = code ? code.innerText : "";
      var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1200); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
      } else { fallbackCopy(text); done(); }
    });
  });
  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text; document.body.appendChild(ta); ta.select();
    try { document.execCommand("copy"); } catch (e) {}
    document.body.removeChild(ta);
  }

  // Progress checklist (task lists on the index page): kept in this browser.
  var page = root.dataset.page || "";
  document.querySelectorAll(".task-list-item input[type=checkbox]").forEach(function (box, i) {
    var item = box.closest("li");
    var link = item && item.querySelector("a");
    var key = "loom-progress:" + page + ":" + (link ? link.getAttribute("href") : String(i));
    box.disabled = false;
    try { if (localStorage.getItem(key) === "1") box.checked = true; } catch (e) {}
    box.addEventListener("change", function () {
      try { localStorage.setItem(key, box.checked ? "1" : "0"); } catch (e) {}
    });
  });

  // Search across all notes, from the index written at weave time.
  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  var index = window.LOOM_SEARCH || [];
  function escapeHTML(s) { return s.replace(/[&<>"']/g, function (c) { return {"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c]; }); }
  function search(q) {
    var terms = q.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    var hits = [];
    index.forEach(function (e) {
      var hay = (e.s + " " + e.x).toLowerCase();
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var n = hay.split(terms[i]).length - 1;
        if (!n) return;
        score += n + (e.s.toLowerCase().indexOf(terms[i]) >= 0 ? 10 : 0);
      }
      var at = hay.indexOf(terms[0]);
      var snippet = (e.s + " " + e.x).substr(Math.max(0, at - 40), 120);
      hits.push({ e: e, score: score, snippet: snippet });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits.slice(0, 20);
  }
  if (input && results) {
    input.addEventListener("input", function () {
      var q = input.value.trim();
      var hits = search(q);
      results.innerHTML = "";
      hits.forEach(function (h) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = h.e.p + (h.e.a ? "#" + h.e.a : "");
        var snip = escapeHTML(h.snippet);
        q.split(/\s+/).filter(Boolean).forEach(function (t) {
          snip = snip.replace(new RegExp("(" + t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "ig"), "<mark>$1</mark>");
        });
        a.innerHTML = "<strong>" + escapeHTML(h.e.s) + "</strong> <span class=\"where\">" + escapeHTML(h.e.t) + "</span><br><small>…" + snip + "…</small>";
        li.appendChild(a);
        results.appendChild(li);
      });
      results.hidden = hits.length === 0;
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { input.value = ""; results.hidden = true; }
      if (ev.key === "Enter") { var first = results.querySelector("a"); if (first) window.location.href = first.href; }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "/" && document.activeElement !== input) { ev.preventDefault(); input.focus(); }
    });
  }

  // Live reload under `loom serve`: poll a version file (works without WebSockets).
  if (location.protocol.indexOf("http") === 0) {
    var last = null;
    setInterval(function () {
      fetch("/__loom/version", { cache: "no-store" }).then(function (r) { return r.ok ? r.text() : null; }).then(function (v) {
        if (v === null) return;
        if (last !== null && v !== last) location.reload();
        last = v;
      }).catch(function () {});
    }, 250);
  }
})();
