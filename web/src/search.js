// Results as you type under the search box of the portal's pages (api/pages/templates/
// _search_form.html). The form works without this script (it submits to /search); with it, the
// services matching what is typed appear under the box, from GET /api/v1/search, after a pause
// in the typing. A polite live region says how many were found; ArrowDown moves from the box to
// the results and through them, ArrowUp back; Esc clears the box and the results.
const PAUSE_MS = 250;
const SHOWN = 8;
const MAX_CHARS = 200;

function titleIn(titles, lang) {
  return titles[lang] || titles.ro || titles.en || Object.values(titles)[0] || "";
}

function enhance(form) {
  const input = form.querySelector("input[type=search]");
  if (!input) return;
  const lang = document.documentElement.lang || "ro";
  const box = document.createElement("div");
  box.className = "live-results";
  const status = document.createElement("p");
  status.className = "muted";
  status.setAttribute("role", "status"); // aria-live polite
  const list = document.createElement("ul");
  list.id = "live-results";
  list.setAttribute("aria-label", form.dataset.results || "");
  box.append(status, list);
  form.querySelector(".search-row").after(box);
  input.setAttribute("aria-controls", list.id);

  let timer = 0;
  let asked = 0; // answers to older questions are dropped
  const clear = () => { list.replaceChildren(); status.textContent = ""; list.hidden = true; };
  clear();

  async function ask(q) {
    const mine = ++asked;
    let data;
    try {
      const r = await fetch(`/api/v1/search?${new URLSearchParams({ q, limit: String(SHOWN) })}`,
        { headers: { Accept: "application/json" } });
      if (!r.ok) return;
      data = await r.json();
    } catch {
      return; // offline or refused: the form still submits to /search
    }
    if (mine !== asked || input.value.trim() !== q) return;
    list.replaceChildren(...data.hits.map((hit) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `${new URL(hit.iri, location.href).pathname}?lang=${encodeURIComponent(lang)}`;
      a.textContent = titleIn(hit.title, lang);
      const code = document.createElement("code");
      code.className = "muted";
      code.textContent = hit.code;
      li.append(a, " ", code);
      return li;
    }));
    if (data.total > data.hits.length) { // the results page has them all
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `/search?${new URLSearchParams({ q, lang })}`;
      a.textContent = form.dataset.all;
      li.append(a);
      list.append(li);
    }
    list.hidden = data.hits.length === 0;
    const count = data.total_is_lower_bound ? `${form.dataset.atLeast} ${data.total}` : data.total;
    status.textContent = data.total ? `${count} ${form.dataset.found}` : form.dataset.nothing;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2 || q.length > MAX_CHARS) { asked++; clear(); return; }
    timer = setTimeout(() => ask(q), PAUSE_MS);
  });
  const links = () => [...list.querySelectorAll("a")];
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      clearTimeout(timer); asked++;
      input.value = ""; clear(); input.focus();
      e.preventDefault();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const all = links();
      if (!all.length) return;
      const at = all.indexOf(document.activeElement);
      if (e.key === "ArrowDown") all[Math.min(at + 1, all.length - 1)].focus();
      else if (at <= 0) input.focus();
      else all[at - 1].focus();
      e.preventDefault();
    }
  });
}

document.querySelectorAll("form.search").forEach(enhance);
