import { createHash } from 'node:crypto';

/**
 * The status page's one stylesheet, inline. The Content-Security-Policy allows exactly
 * this text (by its hash), so nothing else can style or script the page.
 */
export const PAGE_CSS = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #1b1f24; --muted: #5b6470; --line: #d8dde3;
  --ok: #17803d; --ok-bg: #e3f4e8; --bad: #c4242b; --bad-bg: #fde8e8; --warn: #9a5b00; --warn-bg: #fff1d6;
  --idle: #5b6470; --idle-bg: #eceff2; --run: #1f5fbf; --tickets: #1f5fbf; --findings: #c25e00; }
@media (prefers-color-scheme: dark) { :root { --bg: #111418; --card: #1a1e24; --fg: #e6e9ed; --muted: #9aa4b0; --line: #323a44;
  --ok: #4cc774; --ok-bg: #15331f; --bad: #ff6b6b; --bad-bg: #3a1719; --warn: #f0b44c; --warn-bg: #3a2b10;
  --idle: #9aa4b0; --idle-bg: #262c34; --run: #6ea8ff; --tickets: #6ea8ff; --findings: #ff9f4a; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 22px; margin: 4px 0 2px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 0 0 4px; }
.meta, .muted { color: var(--muted); font-size: 13px; }
.banner { margin: 12px 0 4px; padding: 12px 14px; border-radius: 8px; font-weight: 600; font-size: 16px; }
.banner.ok { background: var(--ok-bg); color: var(--ok); }
.banner.bad { background: var(--bad-bg); color: var(--bad); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
th, td { text-align: left; vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td, tr.cannot-start td { background: var(--bad-bg); }
.job { font-weight: 600; overflow-wrap: break-word; }
.schedule, .time { white-space: nowrap; }
table.jobs td:last-child { width: 38%; min-width: 16em; }
.state { display: inline-block; padding: 1px 8px; border-radius: 999px; font-weight: 700; font-size: 13px; white-space: nowrap; }
.state.ok { background: var(--ok-bg); color: var(--ok); }
.state.failed, .state.cannot-start { background: var(--bad); color: #fff; }
.state.partial { background: var(--warn-bg); color: var(--warn); }
.state.never-run, .state.disabled { background: var(--idle-bg); color: var(--idle); }
.running { display: inline-block; margin-left: 6px; color: var(--run); font-size: 13px; font-weight: 600; white-space: nowrap; }
.error { white-space: pre-wrap; word-break: break-word; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--bad); }
.none { color: var(--muted); }
.bad { color: var(--bad); font-weight: 700; }
.warn { color: var(--warn); font-weight: 700; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr)); gap: 12px; }
figure { margin: 0; padding: 12px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart text { fill: var(--fg); font: 13px system-ui, sans-serif; }
svg.chart text.tick, svg.chart text.axis-title, svg.chart text.empty { fill: var(--muted); font-size: 12px; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .axis { stroke: var(--muted); stroke-width: 1.5; }
svg.chart .frame { fill: none; stroke: var(--line); }
svg.chart .line { fill: none; stroke-width: 2.5; stroke-linejoin: round; }
svg.chart .s-tickets .line, svg.chart .line.s-tickets { stroke: var(--tickets); }
svg.chart .s-findings .line, svg.chart .line.s-findings { stroke: var(--findings); stroke-dasharray: 7 4; }
svg.chart .pt { stroke-width: 2; }
svg.chart .s-tickets .pt, svg.chart .pt.s-tickets { fill: var(--tickets); stroke: var(--tickets); }
svg.chart .s-findings .pt, svg.chart .pt.s-findings { fill: var(--card); stroke: var(--findings); }
svg.chart .pt.failed { fill: var(--bad); stroke: var(--bad); }
footer { margin: 28px 0 8px; }
@media (max-width: 720px) {
  main { padding: 10px; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack thead { display: none; }
  table.stack tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.stack td, table.jobs td:last-child { width: 100%; min-width: 0; }
  table.stack td { border: 0; padding: 3px 10px; text-align: left; display: grid; grid-template-columns: 7.5em 1fr; gap: 8px; }
  table.stack td::before { content: attr(data-label); font-size: 11px; line-height: 21px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
  table.stack td.num { text-align: left; }
  svg.chart text { font-size: 15px; }
  svg.chart text.tick, svg.chart text.axis-title, svg.chart text.empty { font-size: 14px; }
}
`;

/** The page's headers: never cached, nothing loaded or run but its own stylesheet, never framed. */
export const STATUS_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(PAGE_CSS, 'utf8').digest('base64')}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
