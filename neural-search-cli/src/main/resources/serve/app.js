// The page of `nsearch serve`. Everything that comes from the index is put in the page with textContent or
// element attributes that are not parsed as markup: never innerHTML.
"use strict";

const $ = (id) => document.getElementById(id);
let hasReranker = false;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// A server started with a token (--token or NSEARCH_TOKEN) answers the API with 401 until the page sends it:
// the page asks for it once and keeps it for this tab only.
const TOKEN_KEY = "nsearch-token";

async function api(method, path, body, retried) {
  const headers = body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers["Authorization"] = `Bearer ${token}`;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && !retried) {
    const given = window.prompt("This server needs its access token (the --token or NSEARCH_TOKEN it was started with):");
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given.trim());
      return api(method, path, body, true);
    }
  }
  let data;
  try {
    data = await res.json();
  } catch (e) {
    throw new Error(`HTTP ${res.status}: not JSON`);
  }
  if (!res.ok) throw new Error(data && data.error ? `${data.error} (HTTP ${res.status})` : `HTTP ${res.status}`);
  return data;
}

function showError(message) {
  const e = $("error");
  e.textContent = message;
  e.hidden = !message;
}

async function loadStats() {
  try {
    const s = await api("GET", "/api/stats");
    const parts = s.routes.map((r) => `${r.name}: ${r.documents} documents, ${r.model} (${r.dimension}-d)`
        + (r.reranker ? `, reranker ${r.reranker}` : ""));
    $("stats").textContent = parts.join(" · ");
    const select = $("route");
    for (const r of s.routes) {
      const o = el("option", null, r.name);
      o.value = r.name;
      select.appendChild(o);
    }
    hasReranker = s.routes.some((r) => r.reranker);
    $("rerank").disabled = !hasReranker;
    $("limit").max = s.limits.maxLimit;
    $("recall").max = s.limits.maxRecall;
    $("rerank").max = s.limits.maxRecall;
    document.body.dataset.state = "ready";
  } catch (e) {
    $("stats").textContent = "";
    showError(`cannot read /api/stats: ${e.message}`);
    document.body.dataset.state = "error";
  }
}

function numberOrNull(id) {
  const v = $(id).value.trim();
  if (v === "") return null;
  const n = Number(v);
  return Number.isInteger(n) ? n : v; // the server explains a non-integer
}

// Diverging colour map: negative blue, zero white, positive red; t in [-1, 1].
function colour(t) {
  const a = Math.min(1, Math.abs(t));
  const base = t < 0 ? [33, 102, 172] : [178, 24, 43];
  const c = base.map((b) => Math.round(255 + (b - 255) * a));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function drawStrip(vector) {
  const canvas = $("strip");
  const n = vector.length;
  canvas.width = n;          // one pixel column per component, stretched by CSS
  canvas.height = 1;
  const ctx = canvas.getContext("2d");
  let max = 0;
  for (const x of vector) max = Math.max(max, Math.abs(x));
  for (let i = 0; i < n; i++) {
    ctx.fillStyle = colour(max > 0 ? vector[i] / max : 0);
    ctx.fillRect(i, 0, 1, 1);
  }
  canvas.dataset.components = String(n);
  canvas.title = `${n} components, scaled to ±${max.toFixed(4)}`;
}

function showVector(v) {
  drawStrip(v.vector);
  const dl = $("vector-numbers");
  dl.replaceChildren();
  const first = v.vector.slice(0, 8).map((x) => x.toFixed(4)).join(", ");
  const rows = [
    ["model", `${v.model} (route ${v.route})`],
    ["dimension", v.dimension],
    ["norm", v.norm.toFixed(4)],
    ["tokens", v.tokens + (v.truncated ? " (truncated)" : "")],
    ["first components", `[${first}${v.dimension > 8 ? ", …" : ""}]`],
  ];
  for (const [k, val] of rows) {
    dl.appendChild(el("dt", null, k));
    dl.appendChild(el("dd", null, val));
  }
  $("vector").hidden = false;
}

function fmt(x, digits) {
  return x === null || x === undefined ? "—" : Number(x).toFixed(digits);
}

function showHits(r) {
  const t = r.timings;
  $("timings").textContent = `route ${r.route} · ${r.recalled} recalled, ${r.reranked} reranked · `
      + `encode ${fmt(t.encodeMs, 1)} ms, recall ${fmt(t.recallMs, 1)} ms, rerank ${fmt(t.rerankMs, 1)} ms, `
      + `total ${fmt(t.totalMs, 1)} ms`;
  const list = $("hits");
  list.replaceChildren();
  if (r.hits.length === 0) {
    list.appendChild(el("li", "hit none", "no hits"));
  }
  for (const h of r.hits) {
    const li = el("li", "hit");
    li.dataset.id = h.id;
    const head = el("div", "hit-head");
    head.appendChild(el("span", "hit-rank", `#${h.rank}`));
    head.appendChild(el("span", "hit-id", h.id));
    head.appendChild(el("span", "score recall", `recall ${fmt(h.recallScore, 4)} (#${h.recallRank})`));
    head.appendChild(el("span", "score rerank", h.rerankScore === null
        ? "rerank —" : `rerank ${fmt(h.rerankScore, 4)} (#${h.rerankRank})`));
    li.appendChild(head);
    li.appendChild(el("p", "hit-text", h.text));
    const meta = el("div", "meta");
    for (const [k, v] of Object.entries(h.metadata || {})) {
      meta.appendChild(el("span", null, `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`));
    }
    li.appendChild(meta);
    list.appendChild(li);
  }
  $("results").hidden = false;
}

async function search(event) {
  if (event) event.preventDefault();
  const query = $("query").value;
  if (!query.trim()) return;
  document.body.dataset.state = "searching";
  showError("");
  $("go").disabled = true;
  const body = { query, limit: numberOrNull("limit") ?? 10 };
  const recall = numberOrNull("recall");
  if (recall !== null) body.recall = recall;
  const rerank = numberOrNull("rerank");
  if (hasReranker && rerank !== null) body.rerank = rerank;
  const filter = $("filter").value.trim();
  if (filter) body.filter = filter;
  if ($("route").value) body.route = $("route").value;
  try {
    const r = await api("POST", "/api/search", body);
    showHits(r);
    const v = await api("POST", "/api/embed", { text: query, role: "query", route: r.route });
    showVector(v);
    document.body.dataset.state = "done";
  } catch (e) {
    showError(e.message);
    document.body.dataset.state = "error";
  } finally {
    $("go").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("search-form").addEventListener("submit", search);
  loadStats();
});
