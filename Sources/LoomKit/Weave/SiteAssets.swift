/// The site's stylesheet and script, written to `site/assets/`. No framework, no CDN.
enum SiteAssets {
  static let css = #"""
    /* Loom site styles. Light and dark themes follow the system; the toggle overrides (data-theme). */
    :root {
      --loom-bg: #ffffff; --loom-fg: #1d2129; --loom-muted: #5f6672; --loom-border: #d9dde3;
      --loom-code-bg: #f5f7fa; --loom-out-bg: #fbfcfd; --loom-accent: #0b63c5; --loom-bad: #c62828; --loom-good: #2e7d32;
      --loom-grid: #e3e6ea; --loom-sidebar: #f7f8fa;
      --hl-keyword: #a626a4; --hl-string: #50a14f; --hl-number: #986801; --hl-comment: #8a919c; --hl-type: #0e7c86;
      --hl-attribute: #c18401; --hl-function: #4078f2; --hl-directive: #e45649;
      color-scheme: light;
    }
    @media (prefers-color-scheme: dark) {
      :root:not([data-theme="light"]) {
        --loom-bg: #15181d; --loom-fg: #e3e6eb; --loom-muted: #9aa3ae; --loom-border: #2f353d;
        --loom-code-bg: #1d2127; --loom-out-bg: #191c21; --loom-accent: #6cb1ff; --loom-bad: #ff6b6b; --loom-good: #66bb6a;
        --loom-grid: #2a2f36; --loom-sidebar: #181b20;
        --hl-keyword: #d291e4; --hl-string: #9ccc65; --hl-number: #e5c07b; --hl-comment: #7f8893; --hl-type: #56c2c9;
        --hl-attribute: #e5c07b; --hl-function: #7fb0ff; --hl-directive: #ff8a80;
        color-scheme: dark;
      }
    }
    :root[data-theme="dark"] {
      --loom-bg: #15181d; --loom-fg: #e3e6eb; --loom-muted: #9aa3ae; --loom-border: #2f353d;
      --loom-code-bg: #1d2127; --loom-out-bg: #191c21; --loom-accent: #6cb1ff; --loom-bad: #ff6b6b; --loom-good: #66bb6a;
      --loom-grid: #2a2f36; --loom-sidebar: #181b20;
      --hl-keyword: #d291e4; --hl-string: #9ccc65; --hl-number: #e5c07b; --hl-comment: #7f8893; --hl-type: #56c2c9;
      --hl-attribute: #e5c07b; --hl-function: #7fb0ff; --hl-directive: #ff8a80;
      color-scheme: dark;
    }
    * { box-sizing: border-box; }
    html { scroll-padding-top: 4rem; }
    body { margin: 0; background: var(--loom-bg); color: var(--loom-fg);
      font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    a { color: var(--loom-accent); }
    code, pre { font-family: ui-monospace, "SF Mono", "JetBrains Mono", Menlo, Consolas, monospace; font-size: 0.88em; }
    .topbar { position: sticky; top: 0; z-index: 10; display: flex; gap: 1rem; align-items: center; padding: 0.5rem 1rem;
      background: var(--loom-bg); border-bottom: 1px solid var(--loom-border); }
    .brand { font-weight: 650; text-decoration: none; color: var(--loom-fg); white-space: nowrap; }
    .search { position: relative; flex: 1; max-width: 28rem; margin-left: auto; }
    .search input { width: 100%; padding: 0.35rem 0.6rem; border: 1px solid var(--loom-border); border-radius: 6px;
      background: var(--loom-code-bg); color: var(--loom-fg); font: inherit; }
    #search-results { position: absolute; left: 0; right: 0; top: 2.3rem; margin: 0; padding: 0.25rem 0; list-style: none;
      background: var(--loom-bg); border: 1px solid var(--loom-border); border-radius: 6px; max-height: 60vh; overflow: auto;
      box-shadow: 0 8px 24px rgba(0,0,0,.15); }
    #search-results li a { display: block; padding: 0.35rem 0.75rem; text-decoration: none; color: var(--loom-fg); }
    #search-results li a:hover, #search-results li a:focus { background: var(--loom-code-bg); }
    #search-results .where { color: var(--loom-muted); font-size: 0.85em; }
    #search-results mark { background: #ffe08a; color: #000; }
    #theme-toggle { border: 1px solid var(--loom-border); background: var(--loom-code-bg); color: var(--loom-fg);
      border-radius: 6px; padding: 0.2rem 0.55rem; cursor: pointer; font-size: 1rem; }
    .layout { display: grid; grid-template-columns: 17rem minmax(0, 1fr); max-width: 84rem; margin: 0 auto; }
    .sidebar { position: sticky; top: 3.2rem; align-self: start; max-height: calc(100vh - 3.2rem); overflow: auto;
      padding: 1rem 0.75rem; font-size: 0.9rem; background: var(--loom-sidebar); border-right: 1px solid var(--loom-border); }
    .sidebar ul { list-style: none; margin: 0; padding: 0; }
    .sidebar li a { display: block; padding: 0.2rem 0.5rem; border-radius: 4px; text-decoration: none; color: var(--loom-fg); }
    .sidebar li.current > a { background: var(--loom-code-bg); font-weight: 600; border-left: 3px solid var(--loom-accent); }
    .sidebar li.broken > a::after { content: " ⚠"; color: var(--loom-bad); }
    .toc { margin-top: 1.25rem; border-top: 1px solid var(--loom-border); padding-top: 0.75rem; }
    .toc-title { margin: 0 0 0.25rem; font-weight: 600; color: var(--loom-muted); text-transform: uppercase; font-size: 0.75rem; letter-spacing: .05em; }
    .toc .toc-h3 a { padding-left: 1.25rem; font-size: 0.85rem; color: var(--loom-muted); }
    main { padding: 1.5rem 2.5rem 3rem; min-width: 0; }
    article.note { max-width: 52rem; }
    h1, h2, h3, h4 { line-height: 1.25; position: relative; }
    h1 { font-size: 2rem; margin-top: 0.5rem; }
    h2 { margin-top: 2.5rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--loom-border); }
    .anchor { margin-left: 0.4rem; text-decoration: none; color: var(--loom-muted); opacity: 0; font-weight: 400; }
    h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor, .anchor:focus { opacity: 1; }
    blockquote { margin: 1rem 0; padding: 0.25rem 1rem; border-left: 4px solid var(--loom-border); color: var(--loom-muted); }
    .callout { margin: 1rem 0; padding: 0.5rem 1rem; border-left: 4px solid var(--callout, var(--loom-border)); border-radius: 4px; background: color-mix(in srgb, var(--callout, var(--loom-border)) 8%, transparent); }
    .callout-title { font-weight: 600; margin: 0.25rem 0; }
    details.callout > summary { cursor: pointer; }
    .callout-note { --callout: #0969da; } .callout-tip { --callout: #1a7f37; } .callout-important { --callout: #8250df; }
    .callout-warning { --callout: #9a6700; } .callout-caution, .callout-gotcha { --callout: #cf222e; } .callout-solution { --callout: #57606a; }
    .equation { display: flex; align-items: center; gap: 1rem; margin: 0.75rem 0; }
    .equation > math { flex: 1; }
    .eq-number { white-space: nowrap; color: var(--loom-muted); }
    .references ol { padding-left: 1.5rem; } .references li { margin: 0.3rem 0; }
    .xref.missing { color: #cf222e; }
    table { border-collapse: collapse; margin: 1rem 0; }
    th, td { border: 1px solid var(--loom-border); padding: 0.3rem 0.6rem; text-align: left; }
    th { background: var(--loom-code-bg); }
    pre { overflow-x: auto; }
    pre.code, .cell-source pre { background: var(--loom-code-bg); border: 1px solid var(--loom-border); border-radius: 6px; padding: 0.75rem 1rem; margin: 0; }
    :not(pre) > code { background: var(--loom-code-bg); border-radius: 4px; padding: 0.08em 0.3em; }
    .cell { margin: 1.25rem 0; }
    .cell-source { position: relative; }
    .cell-bar { display: flex; gap: 0.5rem; align-items: center; font-size: 0.75rem; color: var(--loom-muted); margin-bottom: 0.2rem; }
    .cell-loc { color: var(--loom-muted); text-decoration: none; font-family: ui-monospace, monospace; }
    .cell-bar .tag { border: 1px solid var(--loom-border); border-radius: 3px; padding: 0 0.3rem; }
    .copy { margin-left: auto; font-size: 0.75rem; border: 1px solid var(--loom-border); background: var(--loom-bg); color: var(--loom-muted);
      border-radius: 4px; padding: 0.05rem 0.45rem; cursor: pointer; }
    .cell-output { border-left: 3px solid var(--loom-accent); margin: 0.4rem 0 0; padding: 0.1rem 0 0.1rem 0.9rem; background: var(--loom-out-bg); }
    .cell-output pre { margin: 0.4rem 0; padding: 0; background: none; border: none; white-space: pre; }
    .cell-output pre.stderr { color: var(--loom-muted); }
    pre.cell-error { color: var(--loom-bad); white-space: pre-wrap; border: 1px solid var(--loom-bad); border-radius: 4px; padding: 0.5rem 0.75rem; }
    pre.cell-error.expected { color: var(--loom-muted); border-color: var(--loom-border); border-style: dashed; }
    .expected-label { font-family: system-ui, sans-serif; font-size: 0.75rem; text-transform: uppercase; letter-spacing: .05em; color: var(--loom-muted); }
    .missing-note { color: var(--loom-muted); }
    .missing-note::after { content: " (not written yet)"; font-size: 0.8em; }
    .note-errors { border: 1px solid var(--loom-bad); border-radius: 6px; padding: 0.5rem 1rem; color: var(--loom-bad); margin: 1rem 0; }
    figure.figure { margin: 0.75rem 0; color: var(--loom-fg); }
    figure.figure svg { max-width: 100%; height: auto; display: block; }
    figcaption { font-size: 0.9rem; color: var(--loom-muted); margin-top: 0.3rem; }
    details.checks { margin: 0.4rem 0; font-size: 0.9rem; }
    details.checks summary { cursor: pointer; color: var(--loom-good); }
    details.checks.failed summary { color: var(--loom-bad); font-weight: 600; }
    details.checks ul { list-style: none; padding-left: 0.5rem; margin: 0.25rem 0; }
    details.checks li.pass .mark { color: var(--loom-good); }
    details.checks li.fail { color: var(--loom-bad); }
    details.long-output summary { cursor: pointer; color: var(--loom-muted); font-size: 0.9rem; }
    .math-display { overflow-x: auto; margin: 1rem 0; }
    math[display="block"] { margin: 0.75rem 0; }
    .pager { display: flex; justify-content: space-between; gap: 1rem; margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--loom-border); max-width: 52rem; }
    .pager .next { margin-left: auto; text-align: right; }
    footer.source { margin-top: 2rem; font-size: 0.8rem; color: var(--loom-muted); }
    .badge { font-size: 0.75rem; border-radius: 10px; padding: 0.05rem 0.5rem; margin-left: 0.35rem; }
    .badge.ok { color: var(--loom-good); border: 1px solid var(--loom-good); }
    .badge.bad { color: var(--loom-bad); border: 1px solid var(--loom-bad); }
    .contains-task-list { list-style: none; padding-left: 0.5rem; }
    .task-list-item input { margin-right: 0.5rem; }
    /* Swift highlighting classes (from swift-syntax's classification). */
    .hl-keyword { color: var(--hl-keyword); } .hl-string { color: var(--hl-string); } .hl-number { color: var(--hl-number); }
    .hl-comment { color: var(--hl-comment); font-style: italic; } .hl-type { color: var(--hl-type); }
    .hl-attribute { color: var(--hl-attribute); } .hl-directive { color: var(--hl-directive); } .hl-def { font-weight: 600; }
    a.hl-ref { color: inherit; text-decoration: none; border-bottom: 1px dotted var(--loom-muted); }
    a.hl-ref:hover { color: var(--loom-accent); }
    .volatile-note { font-size: 0.8rem; color: var(--loom-muted); font-style: italic; margin: 0.25rem 0; }
    .volatile.filled { border-left: 3px dotted var(--loom-border); padding-left: 0.5rem; }
    @media (max-width: 900px) {
      .layout { grid-template-columns: 1fr; }
      .sidebar { position: static; max-height: none; border-right: none; border-bottom: 1px solid var(--loom-border); }
      main { padding: 1rem; }
    }
    @media print {
      .topbar, .sidebar, .pager, .copy, .anchor, #search-results { display: none !important; }
      .layout { display: block; }
      main { padding: 0; }
      body { background: #fff; color: #000; font-size: 11pt; }
      details > *:not(summary) { display: block; }
      .cell-source pre, .cell-output { break-inside: avoid; }
      a { color: #000; }
    }
    """#

  static let javascript = #"""
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
    """#
}
