// The dashboard app: four pages drawn from the JSON endpoints
// (server.h), polled every few seconds so new data appears without a
// reload. Every number cell carries data-k (its figure) and its row
// data-row (node, unit or item id), so that a test can read the page.
"use strict";
const POLL_MS = 3000;
const main = document.getElementById("main");
let pollTimer = null;
let chart = null;
let refreshes = 0;

// ---- small helpers
const n = (v) => Number(v || 0);
const at = (map, key) => n(map && map[String(key)]);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : String(c));
  return e;
}
async function getJson(url) {
  const r = await fetch(url, {credentials: "same-origin", cache: "no-store"});
  if (r.status === 401) { location.href = "/signin"; throw new Error("signed out"); }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}
function daysBetween(fromDay, toDay) {
  if (!fromDay || !toDay) return "";
  return Math.round((Date.parse(toDay) - Date.parse(fromDay)) / 86400000);
}
function dayOfUs(us) {
  if (!n(us)) return "";
  const d = new Date(n(us) / 1000);
  return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") +
         "-" + String(d.getDate()).padStart(2, "0");
}
function timeOfUs(us) {
  if (!n(us)) return "";
  return new Date(n(us) / 1000).toLocaleString(LANG === "zh" ? "zh-CN" : "en-GB");
}
function ageText(seconds) {
  if (seconds < 120) return Math.round(seconds) + " s";
  if (seconds < 7200) return Math.round(seconds / 60) + " min";
  return Math.round(seconds / 3600) + " h";
}
function todayText() { return dayOfUs(Date.now() * 1000); }

// ---- tables with a CSV download
// cols: [{k, label, num, link}], rows: [{id, cls, cells: {k: v}, links: {k: href}}]
function table(name, cols, rows) {
  const head = el("tr", {}, ...cols.map((c) => el("th", {"data-k": c.k}, t(c.label || c.k))));
  const body = rows.map((r) => {
    const tr = el("tr", {"data-row": r.id});
    if (r.cls) tr.className = r.cls;
    for (const c of cols) {
      const v = r.cells[c.k];
      const td = el("td", {"data-k": c.k}, "");
      if (c.num) td.className = "num";
      const href = r.links && r.links[c.k];
      td.append(href ? el("a", {href}, v === undefined ? "" : v) : (v === undefined ? "" : v));
      tr.append(td);
    }
    return tr;
  });
  return el("table", {"data-table": name}, el("thead", {}, head), el("tbody", {}, ...body));
}
// A cell as the table shows it: an element (a badge, a link) by its text.
function csvField(v) {
  const s = v instanceof Node ? v.textContent : String(v === undefined ? "" : v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function downloadCsv(name, cols, rows) {
  const lines = [cols.map((c) => csvField(t(c.label || c.k))).join(",")];
  for (const r of rows) lines.push(cols.map((c) => csvField(r.cells[c.k])).join(","));
  const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], {type: "text/csv"});
  const a = el("a", {href: URL.createObjectURL(blob), download: name + ".csv"});
  document.body.append(a);
  a.click();
  a.remove();
}
// Fills section `name` (created once) with a title, a CSV button and table.
function section(name, titleKey, cols, rows, before) {
  let s = document.getElementById("sec-" + name);
  if (!s) { s = el("section", {id: "sec-" + name}); main.append(s); }
  const button = el("button", {class: "csv", type: "button", "data-csv": name}, t("csv"));
  button.addEventListener("click", () => downloadCsv(name, cols, rows));
  s.replaceChildren(el("h2", {}, t(titleKey), button), ...(before || []), table(name, cols, rows));
  return s;
}

// ---- figures of one node (or the city), the overview's columns
function figureCells(f, today) {
  const u = f.units || {}, e = f.evaluations || {}, r = f.rectifications || {};
  const since = Object.keys(u.waiting_since || {}).sort()[0] || "";
  return {
    units: n(u.registered), study: at(u.by_stage, 1), analysis: at(u.by_stage, 2),
    rectification: at(u.by_stage, 3), completed: at(u.by_stage, 4),
    blocked: n(u.blocked), waiting: n(u.waiting), waiting_since: since,
    longest_wait: since ? daysBetween(since, today) : "",
    opinions: n(e.recorded), shown: n(e.shown), signed: n(e.signed_opinions),
    disputed: n(e.disputed), transform_required: n(e.transformation_required),
    transform_assigned: n(e.transformation_assigned),
    transform_completed: n(e.transformation_completed),
    items: n(r.identified), open: at(r.by_status, 1) + at(r.by_status, 2),
    overdue: n(r.overdue), done: at(r.by_status, 3), explained: at(r.by_status, 4),
    census: n((f.census || {}).units_reported), events: n(f.events_applied),
  };
}
const FIGURE_COLS = ["units", "study", "analysis", "rectification", "completed",
  "blocked", "waiting", "longest_wait", "opinions", "shown", "signed", "disputed",
  "transform_required", "transform_assigned", "transform_completed", "items",
  "open", "overdue", "done", "explained", "census", "events"];
const nameCol = {k: "name", label: "name"};
function nodeRows(overview, cells) {
  const rows = (overview.nodes || []).map((f) => ({
    id: f.node_id, cells: Object.assign({name: f.name || f.node_id}, cells(f)),
    links: {name: "/node/" + encodeURIComponent(f.node_id)}}));
  rows.push({id: "city", cls: "city",
             cells: Object.assign({name: t("city")}, cells(overview.city || {}))});
  return rows;
}

// ---- page 1: the city overview
function isStale(f) {
  return ["STALLED", "DIVERGED", "STALE"].includes(f.replication_state) ||
         (f.has_replication && f.lag_seconds > 60);
}
function drawChart(overview) {
  let box = document.getElementById("sec-chart");
  if (!box) {
    box = el("section", {id: "sec-chart"}, el("h2", {}, t("chart")),
             el("div", {class: "chart"}, el("canvas", {id: "stage-chart"})));
    main.prepend(box);
  }
  if (typeof Chart === "undefined") return;
  const nodes = overview.nodes || [];
  const stages = [[1, "study", "#c9a227"], [2, "analysis", "#3b6fb6"],
                  [3, "rectification", "#8b1a1a"], [4, "completed", "#3f8f4f"]];
  const data = {
    labels: nodes.map((f) => f.name || f.node_id),
    datasets: stages.map(([s, key, color]) => ({
      label: t(key), backgroundColor: color,
      data: nodes.map((f) => at((f.units || {}).by_stage, s))})),
  };
  if (chart) { chart.data = data; chart.update("none"); return; }
  chart = new Chart(document.getElementById("stage-chart"), {
    type: "bar", data,
    options: {animation: false, maintainAspectRatio: false,
              scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}},
  });
}
async function refreshOverview() {
  const [overview, fresh] = await Promise.all([getJson("/api/overview"), getJson("/api/freshness")]);
  const today = overview.today;
  drawChart(overview);
  const names = {};
  for (const f of overview.nodes || []) names[f.node_id] = f.name;
  const now = n(fresh.as_of_us);
  section("freshness", "freshness",
    [nameCol, {k: "node_id", label: "node_id"}, {k: "status", label: "freshness"},
     {k: "state", label: "state"}, {k: "lag_events", label: "lag_events", num: true},
     {k: "age", label: "age", num: true}, {k: "copy_sequence", label: "copy_sequence", num: true},
     {k: "projected_sequence", label: "projected_sequence", num: true}],
    (fresh.nodes || []).map((f) => {
      const stale = isStale(f);
      const last = n(f.last_contact_us) || n(f.projected_recorded_at_us);
      return {id: f.node_id, cls: stale ? "stale" : "",
              cells: {name: names[f.node_id] || f.node_id, node_id: f.node_id,
                      status: el("span", {class: "badge " + (stale ? "stale" : "fresh")},
                                 t(stale ? "stale" : "fresh")),
                      state: f.has_replication ? t(f.replication_state) : "",
                      lag_events: n(f.lag_events),
                      age: last ? ageText(Math.max(0, now - last) / 1e6) : "",
                      copy_sequence: n(f.copy_sequence),
                      projected_sequence: n(f.projected_sequence)}};
    }));
  section("overview", "figures", [nameCol, ...FIGURE_COLS.map((k) => ({k, num: k !== "name"}))],
          nodeRows(overview, (f) => figureCells(f, today)));
  const reasonCols = [nameCol, {k: "blocked", num: true},
    ...BLOCKED_REASONS.map((r) => ({k: r, label: "BLOCKING_REASON_CODE_" + r, num: true})),
    {k: "waiting", num: true},
    ...WAITING_REASONS.map((r) => ({k: r, label: "BLOCKING_REASON_CODE_" + r, num: true})),
    {k: "waiting_since"}, {k: "longest_wait", num: true}];
  section("blocking", "blocking", reasonCols, nodeRows(overview, (f) => {
    const u = f.units || {}, c = figureCells(f, today);
    const cells = {blocked: c.blocked, waiting: c.waiting,
                   waiting_since: c.waiting_since, longest_wait: c.longest_wait};
    for (const r of BLOCKED_REASONS) cells[r] = at(u.blocked_by_reason, REASON_NUMBER[r]);
    for (const r of WAITING_REASONS) cells[r] = at(u.waiting_by_reason, REASON_NUMBER[r]);
    return cells;
  }));
  const ratings = ["RATING_EXCELLENT", "RATING_QUALIFIED", "RATING_BASICALLY_QUALIFIED", "RATING_UNQUALIFIED"];
  section("evaluations", "evaluations",
    [nameCol, {k: "opinions", num: true}, {k: "shown", num: true}, {k: "signed", num: true},
     {k: "disputed", num: true}, ...ratings.map((r) => ({k: r, num: true})),
     {k: "transform_required", num: true}, {k: "transform_assigned", num: true},
     {k: "transform_completed", num: true}],
    nodeRows(overview, (f) => {
      const c = figureCells(f, today), e = f.evaluations || {};
      ratings.forEach((r, i) => { c[r] = at(e.by_rating, i + 1); });
      return c;
    }));
  const kinds = ["RECTIFICATION_KIND_MEMBERS_AND_ORGANISATIONS", "RECTIFICATION_KIND_CONDUCT",
                 "RECTIFICATION_KIND_REFORM_DEVELOPMENT_STABILITY", "RECTIFICATION_KIND_PUBLIC_VITAL_INTERESTS"];
  const classes = ["RECTIFICATION_CLASS_IMMEDIATE", "RECTIFICATION_CLASS_WITH_EFFORT", "RECTIFICATION_CLASS_HARD_FOR_NOW"];
  section("rectifications", "rectifications",
    [nameCol, ...["items", "open", "overdue", "done", "explained"].map((k) => ({k, num: true})),
     ...kinds.map((k) => ({k, num: true})), ...classes.map((k) => ({k, num: true})),
     {k: "completion", num: true}],
    nodeRows(overview, (f) => {
      const c = figureCells(f, today), r = f.rectifications || {};
      kinds.forEach((k, i) => { c[k] = at(r.by_kind, i + 1); });
      classes.forEach((k, i) => { c[k] = at(r.by_class, i + 1); });
      c.completion = Math.round(100 * (r.completion_rate || 0)) + "%";
      return c;
    }));
  const censusKeys = ["units_reported", "without_organisation", "leadership_incomplete",
    "weak_and_lax", "paralysed", "secretary_unable", "floating_total",
    "floating_contactable", "floating_not_contactable", "problems", "problems_resolved"];
  section("census", "census_title", [nameCol, ...censusKeys.map((k) => ({k, num: true}))],
    nodeRows(overview, (f) => {
      const c = f.census || {}, cells = {};
      for (const k of censusKeys) cells[k] = n(c[k === "secretary_unable" ? "secretary_unable_to_lead" : k]);
      return cells;
    }));
  return overview.today;
}

// ---- page 2: a node
const NODE_FILTERS = [
  ["batch", "batch", ["BATCH_FIRST", "BATCH_SECOND"]],
  ["stage", "stage", ["STAGE_STUDY_MOBILISATION", "STAGE_ANALYSIS_EVALUATION",
                      "STAGE_RECTIFICATION_IMPROVEMENT", "STAGE_COMPLETED"]],
  ["step", "step", ["TRANSITION_STEP_SELF_INSPECTION", "TRANSITION_STEP_SURVEY",
                    "TRANSITION_STEP_REPORT", "TRANSITION_STEP_SUPERVISORY_REVIEW",
                    "TRANSITION_STEP_APPROVAL", "TRANSITION_STEP_MEETING"]],
  ["condition", "condition", ["UNIT_CONDITION_BLOCKED", "UNIT_CONDITION_WAITING",
                              "UNIT_CONDITION_CLEAR"]],
  ["reason", "reason", [...BLOCKED_REASONS, ...WAITING_REASONS].map((r) => "BLOCKING_REASON_CODE_" + r)],
];
function filterQuery() {
  const q = new URLSearchParams(location.search), out = new URLSearchParams();
  for (const [p] of NODE_FILTERS) if (q.get(p)) out.set(p, q.get(p));
  return out;
}
function setupNode() {
  const q = new URLSearchParams(location.search);
  const box = el("div", {class: "filters", id: "filters"});
  for (const [param, label, values] of NODE_FILTERS) {
    const select = el("select", {id: "filter-" + param},
                      el("option", {value: ""}, t("any")),
                      ...values.map((v) => el("option", {value: v}, t(v))));
    select.value = q.get(param) || "";
    select.addEventListener("change", () => {
      const next = new URLSearchParams(location.search);
      if (select.value) next.set(param, select.value); else next.delete(param);
      history.replaceState(null, "", location.pathname + (next.toString() ? "?" + next : ""));
      poll();
    });
    box.append(el("label", {}, t(label) + " ", select));
  }
  main.append(el("section", {id: "sec-filters"}, el("h2", {}, t("filters")), box));
}
async function allPages(url, field) {
  const out = [];
  let token = "";
  do {
    const page = await getJson(url + "&page_size=1000" + (token ? "&page_token=" + encodeURIComponent(token) : ""));
    out.push(...(page[field] || []));
    token = page.next_page_token;
  } while (token);
  return out;
}
function blockingText(u) {
  return (u.blocking || []).map((b) => t(b.code) + (b.count > 1 ? "×" + b.count : "")).join("、");
}
async function refreshNode(id) {
  const node = encodeURIComponent(id);
  const [detail, units, items] = await Promise.all([
    getJson("/api/node?node=" + node),
    allPages("/api/units?node=" + node + "&" + filterQuery(), "units"),
    allPages("/api/rectifications?node=" + node, "items")]);
  const today = detail.today, f = detail.figures || {};
  document.getElementById("title").textContent = t("title") + " · " + (f.name || id);
  section("node", "node_page", [nameCol, ...FIGURE_COLS.map((k) => ({k, num: true}))],
          [{id, cells: Object.assign({name: f.name || id}, figureCells(f, today))}]);
  section("units", "unit_list",
    [{k: "unit_id", label: "unit"}, {k: "name"}, {k: "batch"}, {k: "stage"}, {k: "step"},
     {k: "condition"}, {k: "since"}, {k: "days", num: true}, {k: "reason"},
     {k: "dissatisfied", num: true}, {k: "members", num: true},
     {k: "registered_members", num: true}],
    units.map((u) => ({id: u.unit_id, cells: {
      unit_id: u.unit_id, name: u.name, batch: t(u.batch), stage: t(u.stage),
      step: t(u.next_step),
      condition: el("span", {class: "badge " + u.condition.replace("UNIT_CONDITION_", "").toLowerCase()}, t(u.condition)),
      since: dayOfUs(u.step_since_us), days: daysBetween(dayOfUs(u.step_since_us), today),
      reason: blockingText(u),
      dissatisfied: u.has_survey ? (u.latest_survey.dissatisfied_percent || 0).toFixed(1) + "%" : "",
      members: n(u.member_count), registered_members: n(u.members_registered)},
      links: {unit_id: "/unit/" + node + "/" + encodeURIComponent(u.unit_id)}})));
  section("items", "items_list",
    [{k: "item"}, {k: "unit"}, {k: "kind"}, {k: "class"}, {k: "status"}, {k: "deadline"},
     {k: "percent", num: true}, {k: "overdue"}],
    items.map((r) => ({id: r.item_id, cls: r.overdue ? "stale" : "", cells: {
      item: r.item_id, unit: r.unit_id, kind: t(r.kind), class: t(r.class),
      status: t(r.status), deadline: r.deadline, percent: n(r.percent_done),
      overdue: r.overdue ? t("yes") : t("no")}})));
  return today;
}

// ---- page 3: a unit
async function refreshUnit(nodeId, unitId) {
  const page = await getJson("/api/unit?node=" + encodeURIComponent(nodeId) +
                             "&unit=" + encodeURIComponent(unitId));
  const u = page.unit, today = todayText();
  document.getElementById("title").textContent = t("title") + " · " + u.name;
  const survey = u.latest_survey || {};
  section("unit", "unit_page",
    [{k: "unit_id", label: "unit"}, {k: "name"}, {k: "batch"}, {k: "stage"}, {k: "step"},
     {k: "condition"}, {k: "since"}, {k: "days", num: true}, {k: "members", num: true},
     {k: "registered_members", num: true}, {k: "respondents", label: "dissatisfied"},
     {k: "summaries", num: true}],
    [{id: u.unit_id, cells: {
      unit_id: u.unit_id, name: u.name, batch: t(u.batch), stage: t(u.stage),
      step: t(u.next_step), condition: t(u.condition), since: timeOfUs(u.step_since_us),
      days: daysBetween(dayOfUs(u.step_since_us), today),
      members: n(u.member_count), registered_members: n(u.members_registered),
      respondents: u.has_survey ? n(survey.dissatisfied) + "/" + n(survey.respondents) : "",
      summaries: (u.summaries_filed || []).length}}]);
  const side = (code) => BLOCKED_REASONS.includes(code.replace("BLOCKING_REASON_CODE_", ""))
      ? "blocked" : "waiting";
  section("reasons", "next_blocks", [{k: "reason"}, {k: "condition"}, {k: "count", num: true}],
    (u.blocking || []).map((b) => ({id: b.code, cells: {
      reason: t(b.code), condition: t(side(b.code)), count: n(b.count)}})));
  if ((page.reasons || []).length) {
    section("reason-messages", "message", [{k: "reason"}, {k: "message"}],
      page.reasons.map((r, i) => ({id: String(i), cells: {reason: t(r.code), message: r.message}})));
  }
  const cols = [{k: "sequence", num: true}, {k: "event"}, {k: "detail"},
                {k: "recorded_at"}, {k: "received_at"}];
  const auditor = page.timeline.some((e) => e.actor);
  if (auditor) cols.push({k: "actor"});
  section("timeline", "timeline", cols,
    page.timeline.map((e) => ({id: String(e.sequence), cells: {
      sequence: e.sequence, event: t(e.event_type),
      detail: e.detail.split(" ").map((w) => t(w)).join(" "),
      recorded_at: timeOfUs(e.recorded_at_us), received_at: timeOfUs(e.received_at_us),
      actor: e.actor}})),
    [el("p", {class: "note"}, auditor ? "" : t("person_note") + " " + t("roster_events") + ": " + page.roster_events)]);
  return today;
}

// ---- page 4: as of a date, beside today
let asOfCache = {date: "", data: null};
function setupAsOf() {
  const q = new URLSearchParams(location.search);
  const input = el("input", {type: "date", id: "asof-date", value: q.get("date") || todayText()});
  const button = el("button", {type: "button", id: "asof-load"}, t("load"));
  button.addEventListener("click", () => {
    history.replaceState(null, "", "/asof?date=" + input.value);
    poll();
  });
  main.append(el("section", {id: "sec-asof-form"}, el("h2", {}, t("asof_title")),
                 el("label", {}, t("date") + " ", input), " ", button));
}
async function refreshAsOf() {
  const date = new URLSearchParams(location.search).get("date") || todayText();
  if (asOfCache.date !== date) {
    asOfCache = {date, data: await getJson("/api/asof?date=" + encodeURIComponent(date))};
  }
  const overview = await getJson("/api/overview");
  const asOf = asOfCache.data, today = overview.today;
  const keys = ["units", "study", "analysis", "rectification", "completed", "blocked",
                "waiting", "signed", "open", "overdue", "events"];
  const cols = [nameCol];
  for (const k of keys) {
    cols.push({k: "asof_" + k, label: k, num: true});
    cols.push({k: "today_" + k, label: "today", num: true});
  }
  const past = {};
  for (const f of asOf.nodes || []) past[f.node_id] = figureCells(f, date);
  const rows = nodeRows(overview, (f) => {
    const now = figureCells(f, today);
    const then = f.node_id ? (past[f.node_id] || {}) : figureCells(asOf.figures || {}, date);
    const cells = {};
    for (const k of keys) { cells["asof_" + k] = n(then[k]); cells["today_" + k] = now[k]; }
    return cells;
  });
  const s = section("asof", "asof", cols, rows,
                    [el("p", {class: "note"}, t("as_of_day") + " " + date + " · " + t("today") + " " + today)]);
  s.dataset.date = date;
  return today;
}

// ---- routing, polling, language
function route() {
  const parts = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "node" && parts[1]) return {setup: setupNode, refresh: () => refreshNode(parts[1])};
  if (parts[0] === "unit" && parts[2]) return {refresh: () => refreshUnit(parts[1], parts[2])};
  if (parts[0] === "asof") return {setup: setupAsOf, refresh: refreshAsOf};
  return {refresh: refreshOverview};
}
async function poll() {
  clearTimeout(pollTimer);
  const status = document.getElementById("status");
  try {
    const day = await route().refresh();
    refreshes += 1;
    document.body.dataset.refreshes = String(refreshes);
    status.textContent = t("updated") + " " + new Date().toLocaleTimeString() + (day ? " · " + day : "");
  } catch (e) {
    status.textContent = t("error") + ": " + e.message;
    document.body.dataset.error = e.message;
  }
  pollTimer = setTimeout(poll, POLL_MS);
}
function labels() {
  document.documentElement.lang = LANG === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  document.getElementById("title").textContent = t("title");
  document.getElementById("nav-overview").textContent = t("overview");
  document.getElementById("nav-asof").textContent = t("asof");
  document.getElementById("lang").textContent = t("lang");
  document.getElementById("signout").textContent = t("signout");
}
function start() {
  labels();
  main.replaceChildren();
  if (chart) { chart.destroy(); chart = null; }
  const r = route();
  if (r.setup) r.setup();
  poll();
}
document.getElementById("lang").addEventListener("click", () => {
  LANG = LANG === "zh" ? "en" : "zh";
  localStorage.setItem("lang", LANG);
  start();
});
getJson("/api/me").then((me) => {
  document.getElementById("who").textContent = me.name + " (" + me.role + ")";
  document.body.dataset.role = me.role;
}).catch(() => {});
start();
