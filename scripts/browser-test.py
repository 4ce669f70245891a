#!/usr/bin/env python3
"""Checks every page of the woven site in a real browser (headless Chromium) and statically.

Static: every internal link points at a page that exists and, with #anchor, at an id on it;
no script runs that loom did not ship (no foreign <script>, event handler or javascript: URL);
every <math> element is well-formed XML (MathML) with no <merror> from valid input.
In the browser: the page loads with no JavaScript error (a harness records window errors and
unhandled rejections), the search box finds a known heading, every volatile output is filled in
from its volatile/*.js, and a screenshot is saved.
Standard library only.
"""
import html.parser, json, os, re, shutil, subprocess, sys, tempfile, xml.etree.ElementTree as ET

site, shots = sys.argv[1], sys.argv[2]
os.makedirs(shots, exist_ok=True)
pages = sorted(f for f in os.listdir(site) if f.endswith(".html"))
if not pages:
    sys.exit(f"error: no pages in {site}/; run make weave first")

# The only scripts a page may run: the ones loom ships. Anything else (a <script> from a note, an
# event-handler attribute, a javascript: URL) fails the test.
SHIPPED_SRC = re.compile(r"^(assets/(loom|search-index)\.js|volatile/[A-Za-z0-9._~%-]+\.js)$")
SHIPPED_INLINE = ['try{var t=localStorage.getItem("loom-theme");if(t)document.documentElement.dataset.theme=t}catch(e){}']

class Scan(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links, self.foreign = set(), [], []
        self.xrefs, self.citations, self.unresolved = 0, 0, []
        self.in_script = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a: self.ids.add(a["id"])
        cls = (a.get("class") or "").split()
        if tag == "a" and "xref" in cls: self.xrefs += 1
        if tag == "a" and "citation" in cls: self.citations += 1
        if "missing" in cls and "xref" in cls: self.unresolved.append(tag)
        if tag == "a" and "href" in a: self.links.append(a["href"])
        if tag in ("link", "script") and (a.get("href") or a.get("src")): self.links.append(a.get("href") or a.get("src"))
        for k, v in attrs:
            if k.startswith("on"): self.foreign.append(f"<{tag} {k}=…> event handler")
            if k in ("href", "src", "action", "formaction") and v and re.match(r"^\s*(javascript|vbscript|data):", v, re.I) and tag != "img":
                self.foreign.append(f"<{tag} {k}={v[:40]!r}>")
        if tag == "script":
            src = a.get("src")
            if src is not None and not SHIPPED_SRC.match(src): self.foreign.append(f"<script src={src!r}>")
            self.in_script = "" if src is None else None
        if tag in ("iframe", "object", "embed", "form"): self.foreign.append(f"<{tag}>")
    def handle_data(self, data):
        if self.in_script is not None: self.in_script += data
    def handle_endtag(self, tag):
        if tag == "script" and self.in_script is not None:
            if self.in_script.strip() not in SHIPPED_INLINE: self.foreign.append(f"inline <script>{self.in_script.strip()[:60]!r}")
            self.in_script = None

ids, links, failures, xref_counts = {}, {}, [], {}
for p in pages:
    text = open(os.path.join(site, p), encoding="utf-8").read()
    s = Scan(); s.feed(text)
    ids[p], links[p] = s.ids, s.links
    for f in s.foreign:
        failures.append(f"{p}: a script loom did not ship: {f}")
    # Cross-references and citations are links like any other (checked below, anchors included);
    # a reference that nothing resolved is a failure of its own.
    if s.unresolved:
        failures.append(f"{p}: {len(s.unresolved)} cross-reference(s) left unresolved")
    xref_counts[p] = (s.xrefs, s.citations)
    for i, m in enumerate(re.findall(r"<math\b.*?</math>", text, re.S)):
        try:
            root = ET.fromstring(m)
        except ET.ParseError as e:
            failures.append(f"{p}: math #{i + 1} is not well-formed MathML: {e}")
            continue
        if root.iter("{http://www.w3.org/1998/Math/MathML}merror").__next__ if False else None: pass
        if any(el.tag.endswith("merror") for el in root.iter()):
            failures.append(f"{p}: math #{i + 1} has a TeX error: {ET.tostring(root, encoding='unicode')[:200]}")

for p in pages:
    for href in links[p]:
        if re.match(r"^[a-z]+:", href) or href.startswith("//"):
            continue  # external links are not ours to check
        target, _, anchor = href.partition("#")
        target = target or p
        path = os.path.normpath(os.path.join(site, target))
        if not os.path.exists(path):
            failures.append(f"{p}: broken link {href!r} ({target} does not exist)")
        elif anchor and target.endswith(".html") and anchor not in ids.get(os.path.relpath(path, site), set()):
            failures.append(f"{p}: broken anchor {href!r} (no id {anchor!r} on {target})")

# In the browser. A copy of the site gets a harness that records errors and reports into the DOM.
harness_head = """<script>window.__loomErrors=[];addEventListener('error',function(e){__loomErrors.push(String(e.message||e))});
addEventListener('unhandledrejection',function(e){__loomErrors.push('unhandled rejection: '+e.reason)});</script>"""
harness_tail = """<script>addEventListener('load',function(){setTimeout(function(){
var r={errors:__loomErrors,math:document.querySelectorAll('math').length,merror:document.querySelectorAll('merror').length,
volatile:document.querySelectorAll('[data-volatile]').length,unfilled:document.querySelectorAll('[data-volatile]:not(.filled)').length};
var q=document.getElementById('search');if(q&&window.LOOM_SEARCH&&LOOM_SEARCH.length){var h=LOOM_SEARCH[0].s;q.value=h.split(' ')[0];
q.dispatchEvent(new Event('input'));r.search=document.querySelectorAll('#search-results li').length;}
var d=document.createElement('pre');d.id='loom-test-report';d.textContent=JSON.stringify(r);document.body.appendChild(d);},300)});</script>"""
tmp = tempfile.mkdtemp(prefix="loom-browser-")
shutil.copytree(site, os.path.join(tmp, "site"))
chrome = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
if not chrome:
    sys.exit("error: chromium is not installed (apt-get install chromium)")
flags = [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files"]
for p in pages:
    path = os.path.join(tmp, "site", p)
    text = open(path, encoding="utf-8").read()
    text = text.replace("<head>", "<head>" + harness_head, 1).replace("</body>", harness_tail + "</body>", 1)
    open(path, "w", encoding="utf-8").write(text)
    url = "file://" + path
    dom = subprocess.run(flags + ["--virtual-time-budget=3000", "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'<pre id="loom-test-report">(.*?)</pre>', dom, re.S)
    if not m:
        failures.append(f"{p}: the page did not finish loading in the browser (no report)")
        continue
    report = json.loads(html.unescape(m.group(1)))
    for e in report["errors"]:
        failures.append(f"{p}: JavaScript error: {e}")
    if report["merror"]:
        failures.append(f"{p}: {report['merror']} MathML error element(s) rendered")
    if report.get("unfilled"):
        failures.append(f"{p}: {report['unfilled']} of {report['volatile']} volatile output(s) were not filled in from volatile/*.js")
    if "search" in report and report["search"] == 0:
        failures.append(f"{p}: search found nothing for a word of the first section title")
    shot = os.path.abspath(os.path.join(shots, p.replace(".html", ".png")))
    subprocess.run(flags + ["--window-size=1280,2400", f"--screenshot={shot}", "file://" + os.path.abspath(os.path.join(site, p))],
                   capture_output=True, timeout=120)
    xr, ci = xref_counts.get(p, (0, 0))
    print(f"browser-test: {p}: {report['math']} formulas, {xr} cross-references, {ci} citations, search ok, screenshot {os.path.relpath(shot)}")
shutil.rmtree(tmp, ignore_errors=True)

for f in failures:
    print("error: " + f, file=sys.stderr)
print(f"browser-test: {len(pages)} pages, {len(failures)} problems")
sys.exit(1 if failures else 0)
