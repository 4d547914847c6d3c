// The /sparql page: a CodeMirror editor over the plain form's text box, the named examples,
// the answer as a table (SPARQL JSON results), download links in each format, the endpoint's
// problem document shown readably, and a cancel button (AbortController). Without this script
// the page still works: the forms are plain GETs.
import { EditorView, drawSelection, keymap, lineNumbers } from "@codemirror/view";
import { history, historyKeymap, standardKeymap } from "@codemirror/commands";
import { StreamLanguage, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const SAFE = /^(https?:|mailto:|tel:)/i;

function start() {
  const form = document.getElementById("query-form");
  const box = document.getElementById("query");
  const holder = document.getElementById("editor");
  const examples = document.getElementById("example");
  const summary = document.getElementById("example-summary");
  const run = document.getElementById("run");
  const cancel = document.getElementById("cancel");
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  const results = document.getElementById("results");
  const table = document.getElementById("results-table");
  const text = document.getElementById("results-text");
  const words = form.dataset;
  const lang = document.documentElement.lang;
  let running = null;

  const view = new EditorView({
    doc: box.value,
    parent: holder,
    extensions: [
      lineNumbers(), history(), drawSelection(), EditorView.lineWrapping,
      StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle),
      keymap.of([{ key: "Mod-Enter", run: () => { form.requestSubmit(); return true; } },
                 ...standardKeymap, ...historyKeymap]),
      EditorView.contentAttributes.of({
        "aria-labelledby": "query-label", "aria-describedby": "editor-keys",
        "aria-multiline": "true", role: "textbox" }),
    ],
  });
  const query = () => view.state.doc.toString();
  box.hidden = true;
  holder.hidden = false;
  document.getElementById("editor-keys").hidden = false;
  document.getElementById("query-label").addEventListener("click", () => view.focus());

  // an example chosen in the list goes into the editor at once (the button is for no script)
  document.getElementById("load-example").hidden = true;
  examples.addEventListener("change", () => {
    const option = examples.selectedOptions[0];
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: option.dataset.query } });
    summary.textContent = option.dataset.summary;
    const url = new URL(location.href);
    url.searchParams.set("example", option.value);
    window.history.replaceState(null, "", url);
  });

  cancel.addEventListener("click", () => { if (running) running.abort(); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    box.value = query();
    if (running) running.abort();
    const controller = new AbortController();
    running = controller;
    busy(true);
    clear();
    status.textContent = words.running;
    try {
      const answer = await fetch(form.action, {
        method: "POST", signal: controller.signal,
        headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9",
                   "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: query() }),
      });
      const type = answer.headers.get("content-type") || "";
      if (!answer.ok) {
        showError(answer.status, type.includes("json") ? await answer.json() : null);
        status.textContent = "";
        return;
      }
      links(query());
      if (type.includes("sparql-results+json")) {
        const data = await answer.json();
        const rows = render(data);
        status.textContent = `${rows} ${words.rows}` +
          (answer.headers.get("X-SPARQL-Truncated") ? ` — ${words.truncated}` : "");
      } else {
        text.textContent = await answer.text();
        text.hidden = false;
        status.textContent = "";
      }
      results.hidden = false;
    } catch (e) {
      if (e.name === "AbortError") status.textContent = words.cancelled;
      else { status.textContent = ""; showError(0, null); }
    } finally {
      if (running === controller) { running = null; busy(false); }
    }
  });

  function busy(on) {
    cancel.hidden = !on;
    run.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  function clear() {
    error.hidden = true;
    error.replaceChildren();
    results.hidden = true;
    table.replaceChildren();
    text.hidden = true;
    text.textContent = "";
  }

  function showError(code, problem) {
    const head = document.createElement("strong");
    head.textContent = code ? `${words.error} (${code})` : words.error;
    const detail = document.createElement("p");
    if (problem) {
      const message = problem.message && (problem.message[lang] || problem.message.en);
      detail.textContent = message || problem.detail || problem.title || "";
    } else {
      detail.textContent = words.unreachable;
    }
    error.replaceChildren(head, detail);
    error.hidden = false;
  }

  function links(q) {
    for (const a of document.querySelectorAll("#downloads a[data-format]")) {
      const url = new URL(form.action, location.href);
      url.searchParams.set("query", q);
      url.searchParams.set("format", a.dataset.format);
      a.href = url.pathname + url.search;
    }
  }

  function render(data) {
    if (typeof data.boolean === "boolean") {
      text.textContent = data.boolean ? words.yes : words.no;
      text.hidden = false;
      return 1;
    }
    const vars = data.head.vars || [];
    const head = table.createTHead().insertRow();
    for (const v of vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.append(th);
    }
    const body = table.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const v of vars) row.insertCell().append(...term(binding[v]));
    }
    return data.results.bindings.length;
  }

  function term(t) {
    if (!t) return [];
    if (t.type === "uri") {
      if (!SAFE.test(t.value)) return [t.value];
      const a = document.createElement("a");
      a.href = t.value;
      a.textContent = t.value;
      a.className = "iri-link";
      return [a];
    }
    if (t.type === "bnode") return [`_:${t.value}`];
    const span = document.createElement("span");
    span.textContent = t.value;
    if (t["xml:lang"]) {
      span.lang = t["xml:lang"];
      const tag = document.createElement("span");
      tag.className = "badge";
      tag.textContent = `@${t["xml:lang"]}`;
      return [span, " ", tag];
    }
    if (t.datatype) span.title = t.datatype;
    return [span];
  }
}

start();
