/**
 * The board page: loads the recent history, follows /api/stream and redraws the table on
 * each ranking or choice of the viewer. No framework: a table of at most topN rows, rebuilt
 * per change; what it shows is computed by the pure modules beside this one.
 */
import { historyPointOf, RankingHistory, type HistoryPoint } from "@meetuphype/core";
import { changeText, rankChanges, referencePoint, rising, RISING_SPAN_MS, SPANS, type SpanId } from "./movement.js";
import { axisSeries, peakOf, sparklinePath } from "./sparkline.js";
import { statusLine } from "./status.js";
import type { Snapshot, Topic, Upstream } from "./types.js";
import { formatScore, formatTime, parametersText, scoreExplanation, topicUrl } from "./words.js";

const SVG = "http://www.w3.org/2000/svg";
const SPARK = { width: 120, height: 24 };

const el = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e as T;
};

const view = {
  status: el<HTMLParagraphElement>("status"),
  time: el<HTMLElement>("time"),
  params: el<HTMLElement>("params"),
  explain: el<HTMLElement>("explain"),
  rows: el<HTMLTableSectionElement>("rows"),
  empty: el<HTMLParagraphElement>("empty"),
  note: el<HTMLParagraphElement>("note"),
  changeHead: el<HTMLTableCellElement>("change-head"),
  caption: el<HTMLElement>("caption"),
  top: el<HTMLButtonElement>("view-top"),
  rising: el<HTMLButtonElement>("view-rising"),
  spans: [...document.querySelectorAll<HTMLButtonElement>("button[data-span]")],
};

const state: {
  pageConnected: boolean;
  upstream: Upstream | undefined;
  snapshot: Snapshot | undefined;
  history: RankingHistory;
  mode: "top" | "rising";
  span: SpanId;
} = { pageConnected: false, upstream: undefined, snapshot: undefined, history: new RankingHistory(), mode: "top", span: "1h" };

function sparkline(series: readonly (number | null)[]): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `-1 -1 ${SPARK.width + 2} ${SPARK.height + 2}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", sparklinePath(series, SPARK.width, SPARK.height));
  svg.append(path);
  return svg;
}

function cell(tag: "td" | "th", text: string, className: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  c.className = className;
  return c;
}

function topicCell(t: Topic): HTMLTableCellElement {
  const th = cell("th", "", "name");
  th.scope = "row";
  const url = topicUrl(t.key);
  if (url === undefined) th.textContent = t.name;
  else {
    const a = document.createElement("a");
    a.href = url;
    a.rel = "noopener noreferrer";
    a.textContent = t.name;
    a.title = `${t.name} on Meetup`;
    th.append(a);
  }
  return th;
}

function historyCell(points: readonly HistoryPoint[], key: string, asOfMs: number): HTMLTableCellElement {
  const series = axisSeries(points, key, asOfMs);
  const td = cell("td", "", "history");
  const peak = document.createElement("span");
  peak.className = "peak";
  peak.textContent = `peak ${formatScore(peakOf(series))}`;
  td.setAttribute("aria-label", `peak score over the last 3 hours: ${formatScore(peakOf(series))}`);
  td.append(sparkline(series), peak);
  return td;
}

function scoreCell(score: number, top: number): HTMLTableCellElement {
  const td = cell("td", formatScore(score), "score");
  // The bar behind the score: its share of the leader's (CSSOM, which the CSP allows).
  td.style.setProperty("--share", `${top > 0 ? Math.round((score / top) * 100) : 0}%`);
  return td;
}

function row(
  t: Topic,
  move: { symbol: string; words: string; kind: string },
  points: readonly HistoryPoint[],
  s: Snapshot,
): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.key = t.key;
  tr.className = move.kind;
  const moved = cell("td", move.symbol, `change ${move.kind}`);
  moved.title = move.words;
  moved.setAttribute("aria-label", move.words);
  tr.append(
    cell("td", String(t.rank), "rank"),
    moved,
    topicCell(t),
    scoreCell(t.score, s.topics[0]?.score ?? 0),
    historyCell(points, t.key, s.asOfMs),
  );
  return tr;
}

function renderRanking(): void {
  const s = state.snapshot;
  if (s === undefined) return;
  const points = state.history.list();
  let rows: HTMLTableRowElement[];
  if (state.mode === "top") {
    const span = SPANS.find((x) => x.id === state.span) ?? SPANS[0];
    const ref = referencePoint(points, s.asOfMs, span.ms);
    const changes = rankChanges(ref?.point.topics, s.topics);
    rows = s.topics.map((t) => {
      const c = changes.get(t.key) ?? { kind: "unknown" as const };
      return row(t, { ...changeText(c, span.label), kind: c.kind }, points, s);
    });
    view.changeHead.textContent = "Move";
    view.caption.textContent = `The trending topics, best first, with the change of rank over the last ${span.label}`;
    view.note.textContent =
      ref === undefined
        ? "No earlier ranking yet to compare with."
        : ref.partial
          ? `Moves since ${formatTime(ref.point.asOfMs)}, the oldest ranking kept.`
          : "";
  } else {
    const ref = referencePoint(points, s.asOfMs, RISING_SPAN_MS);
    rows = rising(s.topics, ref?.point).map((r) =>
      row(
        r,
        {
          symbol: `+${formatScore(r.growth)}`,
          words: r.isNew ? "not ranked an hour ago" : "score growth in the last hour",
          kind: r.isNew ? "new" : "up",
        },
        points,
        s,
      ),
    );
    view.changeHead.textContent = "Growth";
    view.caption.textContent = "The ranked topics whose score grew most over the last hour";
    view.note.textContent =
      ref === undefined
        ? "No earlier ranking yet to compare with."
        : `Topics ranked now whose score grew since ${formatTime(ref.point.asOfMs)}${ref.partial ? ", the oldest ranking kept" : ""}; "new" ones were not ranked then.`;
  }
  view.rows.replaceChildren(...rows);
  view.empty.hidden = rows.length > 0;
  view.empty.textContent = state.mode === "top" ? "No topics yet." : "No ranked topic's score grew over the last hour.";
  view.time.textContent = formatTime(s.asOfMs);
  view.time.setAttribute("datetime", new Date(s.asOfMs).toISOString());
  view.params.textContent = parametersText(s.parameters);
  if (s.parameters !== undefined) view.explain.textContent = scoreExplanation(s.parameters);
}

function renderStatus(): void {
  const s = statusLine(state);
  view.status.textContent = s.text;
  view.status.className = `status ${s.kind}`;
  document.body.dataset.status = s.kind;
}

function choose(o: { mode?: "top" | "rising"; span?: SpanId }): void {
  if (o.mode !== undefined) state.mode = o.mode;
  if (o.span !== undefined) state.span = o.span;
  document.body.dataset.view = state.mode;
  view.top.setAttribute("aria-pressed", String(state.mode === "top"));
  view.rising.setAttribute("aria-pressed", String(state.mode === "rising"));
  for (const b of view.spans) b.setAttribute("aria-pressed", String(b.dataset.span === state.span));
  renderRanking();
}

function onSnapshot(s: Snapshot): void {
  state.snapshot = s;
  const point = historyPointOf(s);
  if (point !== undefined) state.history.record(point);
  renderRanking();
  renderStatus();
}

async function loadHistory(): Promise<void> {
  try {
    const res = await fetch("/api/history", { cache: "no-store" });
    if (!res.ok) return;
    const h = (await res.json()) as { resolutionMs: number; horizonMs: number; points: HistoryPoint[] };
    const merged = new RankingHistory(h.resolutionMs, h.horizonMs > 0 ? h.horizonMs : undefined);
    for (const p of [...h.points, ...state.history.list()]) merged.record(p);
    state.history = merged;
    renderRanking();
  } catch {
    // No history: the sparklines and moves start with what arrives from now on.
  }
}

function follow(): void {
  const events = new EventSource("/api/stream");
  events.addEventListener("open", () => {
    state.pageConnected = true;
    renderStatus();
  });
  events.addEventListener("error", () => {
    // EventSource reconnects by itself; until then the page says it is reconnecting.
    state.pageConnected = false;
    renderStatus();
  });
  events.addEventListener("upstream", (e) => {
    state.upstream = JSON.parse((e as MessageEvent<string>).data) as Upstream;
    renderStatus();
  });
  events.addEventListener("snapshot", (e) => onSnapshot(JSON.parse((e as MessageEvent<string>).data) as Snapshot));
}

view.top.addEventListener("click", () => choose({ mode: "top" }));
view.rising.addEventListener("click", () => choose({ mode: "rising" }));
for (const b of view.spans) b.addEventListener("click", () => choose({ span: b.dataset.span as SpanId }));
renderStatus();
follow();
void loadHistory();
