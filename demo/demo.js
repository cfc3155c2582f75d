// The buttons of the demo pages (demo/index.html, demo/fastapi/index.html).
// call() runs fetch() and writes the outcome into an output <pre>: class
// "ok" when the browser did what the page expects (allowed or blocked),
// "blocked" when not. scripts/demo --check clicks every button in headless
// Chromium and reads these outputs (scripts/demo-browser.pl).
"use strict";

// Set by the page: the response headers to show, as [label, name] pairs,
// and the note under a blocked call.
const demoPage = { headers: [], blockedNote: "" };

function show(id, cls, text) {
  const out = document.getElementById(id);
  out.className = cls;
  out.textContent = text;
}

async function call(id, url, init, expectBlocked) {
  show(id, "", "\u2026");
  try {
    const res = await fetch(url, init);
    const body = await res.text();
    const lines = [
      (expectBlocked ? "UNEXPECTED: the browser let this through. " : "Allowed. ") +
        "HTTP " + res.status + " " + res.statusText,
      ...demoPage.headers.map(([label, name]) => label + ": " + res.headers.get(name)),
      "",
      body,
    ];
    show(id, expectBlocked ? "blocked" : "ok", lines.join("\n"));
  } catch (err) {
    show(id, expectBlocked ? "ok" : "blocked",
      (expectBlocked ? "Blocked, as expected. " : "UNEXPECTED: blocked. ") +
      err.name + ": " + err.message + "\n" + demoPage.blockedNote);
  }
}
