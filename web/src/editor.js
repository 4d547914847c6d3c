// The passport editor (/my/services/new, /my/services/{code}/edit): repeatable parts added and
// removed, and live validation as the clerk types. The form works without this script (it
// POSTs to the page, which answers with the same findings by the fields); this script sends the
// form, debounced, to the dry run (POST /my/services/check, CSRF field included) and shows each
// finding next to its field (aria-invalid, aria-describedby) and all of them in the summary.

const DELAY_MS = 500;

const form = document.getElementById("editor");
if (form) start(form);

function start(form) {
  const summary = document.getElementById("ed-summary");
  const status = document.getElementById("ed-status");
  let timer = 0;
  let sent = 0;

  for (const b of form.querySelectorAll(".ed-add, .ed-remove")) b.hidden = false;
  form.addEventListener("click", (event) => {
    const add = event.target.closest(".ed-add");
    const remove = event.target.closest(".ed-remove");
    if (add) addPart(form, add.dataset.group);
    if (remove) removePart(remove.closest(".ed-part"));
    if (add || remove) schedule();
  });
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", () => clearTimeout(timer)); // the page answers the save

  // data-pending is on the form from a change until its findings are shown
  function schedule() {
    clearTimeout(timer);
    form.dataset.pending = "true";
    timer = setTimeout(check, DELAY_MS);
  }

  function settled(mine) {
    if (mine === sent) delete form.dataset.pending;
  }

  async function check() {
    const mine = ++sent;
    status.textContent = status.dataset.checking;
    const body = new URLSearchParams(new FormData(form));
    body.delete("action");
    let answer;
    try {
      const r = await fetch(form.dataset.check, {
        method: "POST", body, credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!r.ok) { status.textContent = ""; settled(mine); return; }
      answer = await r.json();
    } catch {
      status.textContent = "";
      settled(mine);
      return;
    }
    if (mine !== sent) return; // a newer check is under way
    show(answer.findings || []);
    settled(mine);
  }

  function show(findings) {
    for (const box of form.querySelectorAll(".ed-msg")) box.replaceChildren();
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const el of form.querySelectorAll("[aria-describedby^='m-']")) {
      el.removeAttribute("aria-describedby");
    }
    const blocks = new Set([...form.querySelectorAll("[data-field]")].map((e) => e.dataset.field));
    const problems = summary.querySelector(".ed-problems");
    const advice = summary.querySelector(".ed-advice");
    problems.replaceChildren();
    advice.replaceChildren();
    let violations = 0;
    for (const f of findings) {
      const name = blockOf(f.field, blocks);
      const block = name ? form.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
      if (f.severity === "violation") violations += 1;
      const li = document.createElement("li");
      if (block) {
        const control = block.querySelector("input:not([type=hidden]), select, textarea");
        const a = document.createElement("a");
        a.href = "#" + (control ? control.id : "");
        a.textContent = f.text;
        li.append(a);
        mark(block, f);
      } else {
        li.textContent = f.text;
      }
      (f.severity === "violation" ? problems : advice).append(li);
    }
    summary.querySelector(".ed-advice-h").hidden = advice.children.length === 0;
    summary.hidden = findings.length === 0;
    status.textContent = findings.length === 0 ? status.dataset.none
      : `${summary.querySelector("h2").textContent}: ${violations}`;
  }
}

// The block a finding at a JSON field is shown in: the field, else its nearest enclosing
// block (api/pages/editor_form.py wrapper_of does the same for the page without script).
function blockOf(field, blocks) {
  if (!field) return "";
  if (["title", "description", "keywords"].includes(field)) return field + ".ro";
  const steps = field.split(".");
  while (steps.length) {
    const name = steps.join(".");
    if (blocks.has(name)) return name;
    if (/\.(title|description)$/.test(name) && blocks.has(name + ".ro")) return name + ".ro";
    steps.pop();
  }
  return "";
}

function mark(block, finding) {
  const box = block.querySelector(":scope > .ed-msg") || block.querySelector(".ed-msg");
  const p = document.createElement("p");
  p.className = "ed-" + finding.severity;
  p.textContent = finding.text;
  box.append(p);
  const own = block.tagName === "FIELDSET" && block.classList.contains("ed-boxes")
    ? [block, ...block.querySelectorAll("input[type=checkbox]")]
    : [...block.querySelectorAll(":scope > input:not([type=hidden]), :scope > select, "
      + ":scope > textarea")];
  for (const el of own) {
    el.setAttribute("aria-describedby", box.id);
    if (finding.severity === "violation" && el.tagName !== "FIELDSET") {
      el.setAttribute("aria-invalid", "true");
    }
  }
}

function addPart(form, group) {
  const holder = form.querySelector(`.ed-parts[data-group="${CSS.escape(group)}"]`);
  const template = document.getElementById("tpl-" + group);
  const n = Number(holder.dataset.next || holder.children.length);
  holder.dataset.next = String(n + 1);
  const html = template.innerHTML.replaceAll("__N__", String(n)).replaceAll("--N--", String(n));
  const made = document.createRange().createContextualFragment(html);
  const part = made.querySelector(".ed-part");
  part.querySelector(".ed-n").textContent = String(n + 1);
  for (const b of part.querySelectorAll(".ed-remove")) b.hidden = false;
  holder.append(made);
  const first = part.querySelector("input:not([type=hidden]), select, textarea");
  if (first) first.focus();
}

function removePart(part) {
  if (!part) return;
  const group = part.parentElement;
  const next = part.nextElementSibling || part.previousElementSibling;
  part.remove();
  const target = next ? next.querySelector("input:not([type=hidden]), select, textarea")
    : group.closest(".ed-group").querySelector(".ed-add");
  if (target) target.focus();
}
