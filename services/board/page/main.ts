/**
 * The board page: loads the recent history, follows /api/stream and redraws the table
 * on each ranking. No framework: a table of at most topN rows, rebuilt per snapshot.
 */
import { historyPointOf, RankingHistory, type HistoryPoint } from "@meetuphype/core";
import {
  changeText,
  formatScore,
  formatTime,
  parametersText,
  rankChanges,
  statusLine,
  topicSparkline,
  type Snapshot,
  type Topic,
  type Upstream,
} from "./view.js";

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
  rows: el<HTMLTableSectionElement>("rows"),
  empty: el<HTMLParagraphElement>("empty"),
};

const state: {
  pageConnected: boolean;
  upstream: Upstream | undefined;
  snapshot: Snapshot | undefined;
  shown: readonly Topic[] | undefined;
  history: RankingHistory;
} = { pageConnected: false, upstream: undefined, snapshot: undefined, shown: undefined, history: new RankingHistory() };

function sparkline(points: readonly HistoryPoint[], key: string, untilMs: number): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `-1 -1 ${SPARK.width + 2} ${SPARK.height + 2}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", topicSparkline(points, key, untilMs, SPARK.width, SPARK.height));
  svg.append(path);
  return svg;
}

function cell(tag: "td" | "th", text: string, className: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  c.className = className;
  return c;
}

function renderStatus(): void {
  const s = statusLine(state);
  view.status.textContent = s.text;
  view.status.className = `status ${s.kind}`;
  document.body.dataset.status = s.kind;
}

function renderRanking(s: Snapshot): void {
  const changes = rankChanges(state.shown, s.topics);
  const points = state.history.list();
  const rows = s.topics.map((t) => {
    const tr = document.createElement("tr");
    tr.dataset.key = t.key;
    const change = changeText(changes.get(t.key) ?? { kind: "same" });
    const moved = cell("td", change.symbol, `change ${changes.get(t.key)?.kind ?? "same"}`);
    moved.title = change.words;
    moved.setAttribute("aria-label", change.words);
    const spark = document.createElement("td");
    spark.className = "history";
    spark.append(sparkline(points, t.key, s.asOfMs));
    tr.append(cell("td", String(t.rank), "rank"), moved, cell("th", t.name, "name"), cell("td", formatScore(t.score), "score"), spark);
    tr.querySelector("th")?.setAttribute("scope", "row");
    return tr;
  });
  view.rows.replaceChildren(...rows);
  view.empty.hidden = rows.length > 0;
  view.time.textContent = formatTime(s.asOfMs);
  view.time.setAttribute("datetime", new Date(s.asOfMs).toISOString());
  view.params.textContent = parametersText(s.parameters);
  state.shown = s.topics;
}

function onSnapshot(s: Snapshot): void {
  state.snapshot = s;
  const point = historyPointOf(s);
  if (point !== undefined) state.history.record(point);
  renderRanking(s);
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
    if (state.snapshot !== undefined) renderRanking(state.snapshot);
  } catch {
    // No history: the sparklines start with what arrives from now on.
  }
}

function follow(): void {
  const events = new EventSource("/api/stream");
  events.addEventListener("open", () => {
    state.pageConnected = true;
    renderStatus();
  });
  events.addEventListener("error", () => {
    // EventSource reconnects by itself; until then the page says it is disconnected.
    state.pageConnected = false;
    renderStatus();
  });
  events.addEventListener("upstream", (e) => {
    state.upstream = JSON.parse((e as MessageEvent<string>).data) as Upstream;
    renderStatus();
  });
  events.addEventListener("snapshot", (e) => onSnapshot(JSON.parse((e as MessageEvent<string>).data) as Snapshot));
}

renderStatus();
follow();
void loadHistory();
