"""The report page in a real headless browser (Debian's chromium): the DOM after the page's script ran.

A page load costs about as much as the rest of a report test, so :func:`fragment_views` shows
the sentence browser for several URL fragments in one load.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# One browser process instead of a zygote and its helpers, and no extensions, updates or sync:
# half the CPU per page load. The page's scripts, DOM and Content-Security-Policy are the same.
LEAN = ["--single-process", "--no-zygote", "--disable-extensions", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--mute-audio", "--disable-breakpad"]

# Runs after the page's own script: for each fragment, navigate to it, let the page's hashchange
# handler filter the rows (dispatched here so it runs now, not after the DOM is dumped), and keep a
# copy of the rows and the count in a <div class="fragment-view">.
_HARNESS = """(function () {
  var body = document.getElementById("browser-rows");
  var count = document.getElementById("browser-count");
  FRAGMENTS.forEach(function (fragment) {
    window.location.hash = fragment;
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    var view = document.createElement("div");
    view.className = "fragment-view";
    view.appendChild(body.cloneNode(true));
    view.appendChild(count.cloneNode(true));
    document.body.appendChild(view);
  });
}());"""


def dump_dom(page: Path, fragment: str, profile: Path) -> str:
    """The DOM of ``page`` opened at ``fragment``, as chromium --dump-dom prints it (skips without chromium)."""
    if not CHROMIUM.exists():
        pytest.skip("headless test needs /usr/bin/chromium (CI installs Debian's chromium package)")
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", *LEAN, f"--user-data-dir={profile}", "--dump-dom",
         page.as_uri() + fragment],
        capture_output=True, text=True, timeout=120, check=True).stdout


def fragment_views(page: Path, fragments: list[str], workdir: Path) -> tuple[str, dict[str, str]]:
    """One load of a copy of ``page`` (in ``workdir``) that visits each fragment in turn.

    Returns the DOM and, per fragment, the sentence rows and count it showed
    (``<tbody id="browser-rows">…</tbody><span id="browser-count" …>…</span>``). The copy
    differs from the page only by the visiting script and its hash in the page's CSP, so
    the CSP still blocks any other script.
    """
    from framelens.report.render import script_hash

    harness = _HARNESS.replace("FRAGMENTS", json.dumps(fragments))
    html, replaced = re.subn(r"(script-src [^;]*)", lambda m: f"{m.group(1)} {script_hash(harness)}",
                             page.read_text("utf-8"), count=1)
    assert replaced == 1 and html.count("</body>") == 1
    workdir.mkdir(parents=True, exist_ok=True)
    copy = workdir / page.name
    copy.write_text(html.replace("</body>", f"<script>{harness}</script>\n</body>"), "utf-8")
    dom = dump_dom(copy, "", workdir / "profile")
    views = re.findall(r'<div class="fragment-view">(.*?)</div>', dom, re.DOTALL)
    assert len(views) == len(fragments), "the page's script did not run"
    return dom, dict(zip(fragments, views, strict=False))
