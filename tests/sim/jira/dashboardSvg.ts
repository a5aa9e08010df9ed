import type { GadgetView } from './simGadgetEval.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const COLORS = ['#de350b', '#ff8b00', '#ffc400', '#36b37e', '#0065ff', '#6554c0', '#00b8d9', '#97a0af'];
const W = 460;
const H = 250;

/**
 * A picture of a dashboard as the simulator's evaluator sees it (the numbers a person
 * would see in Jira), two columns of gadget panels. Deterministic: the same views give
 * the same bytes, so docs/dashboard.svg can be checked against a fresh render.
 */
export function dashboardSvg(name: string, views: Array<GadgetView & { column?: number }>, caption: string): string {
  const cols: Array<typeof views> = [[], []];
  views.forEach((v, i) => (cols[v.column ?? i % 2] as typeof views).push(v));
  const rows = Math.max(cols[0]!.length, cols[1]!.length);
  const width = 2 * W + 60;
  const height = 90 + rows * (H + 20) + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#f4f5f7"/>`,
    `<text x="20" y="38" font-size="22" font-weight="bold" fill="#172b4d">${esc(name)}</text>`,
    `<text x="20" y="62" fill="#5e6c84">${esc(caption)}</text>`,
  ];
  cols.forEach((col, c) =>
    col.forEach((v, r) => {
      const x = 20 + c * (W + 20);
      const y = 80 + r * (H + 20);
      parts.push(`<g transform="translate(${x},${y})">`, `<rect width="${W}" height="${H}" rx="4" fill="#fff" stroke="#dfe1e6"/>`, `<text x="14" y="24" font-weight="bold" fill="#172b4d">${esc(v.title)}</text>`);
      parts.push(...panel(v), '</g>');
    }),
  );
  parts.push('</svg>', '');
  return parts.join('\n');
}

function panel(v: GadgetView): string[] {
  const out: string[] = [];
  const text = (x: number, y: number, s: string, extra = '') => out.push(`<text x="${x}" y="${y}"${extra}>${esc(s)}</text>`);
  switch (v.state) {
    case 'not configured':
    case 'error':
      text(14, 60, v.state === 'error' ? `Error: ${v.why}` : 'This gadget has not been configured yet.', ' fill="#de350b"');
      break;
    case 'filter results': {
      text(14, 44, `${v.filter}: ${v.total} issue${v.total === 1 ? '' : 's'}`, ' fill="#5e6c84"');
      v.keys.slice(0, 8).forEach((k, i) => text(14, 72 + i * 20, k, ' fill="#0052cc"'));
      break;
    }
    case 'pie': {
      const entries = Object.entries(v.counts);
      const total = entries.reduce((n, [, c]) => n + c, 0);
      let a = -Math.PI / 2;
      const cx = 120;
      const cy = 140;
      const rad = 80;
      entries.forEach(([label, count], i) => {
        const b = a + (2 * Math.PI * count) / total;
        const large = b - a > Math.PI ? 1 : 0;
        const p = (t: number) => `${(cx + rad * Math.cos(t)).toFixed(2)},${(cy + rad * Math.sin(t)).toFixed(2)}`;
        const color = COLORS[i % COLORS.length] as string;
        out.push(entries.length === 1 ? `<circle cx="${cx}" cy="${cy}" r="${rad}" fill="${color}"/>` : `<path d="M${cx},${cy} L${p(a)} A${rad},${rad} 0 ${large} 1 ${p(b)} Z" fill="${color}" stroke="#fff"/>`);
        out.push(`<rect x="250" y="${70 + i * 24}" width="12" height="12" fill="${color}"/>`);
        text(270, 81 + i * 24, `${label}: ${count} (${Math.round((100 * count) / total)}%)`);
        a = b;
      });
      text(14, 44, `${v.filter}, by ${v.statType}`, ' fill="#5e6c84"');
      break;
    }
    case 'two-dimensional': {
      const ys = Object.keys(v.counts);
      const xs = [...new Set(ys.flatMap((y) => Object.keys(v.counts[y] ?? {})))];
      text(14, 44, `${v.filter}: ${v.y} × ${v.x}`, ' fill="#5e6c84"');
      xs.forEach((x, i) => text(150 + i * 90, 74, x, ' font-weight="bold"'));
      text(150 + xs.length * 90, 74, 'T:', ' font-weight="bold"');
      ys.forEach((y, j) => {
        const row = v.counts[y] ?? {};
        text(14, 100 + j * 24, y, ' font-weight="bold"');
        xs.forEach((x, i) => text(150 + i * 90, 100 + j * 24, String(row[x] ?? 0)));
        text(150 + xs.length * 90, 100 + j * 24, String(Object.values(row).reduce((n, c) => n + c, 0)));
      });
      break;
    }
    case 'created vs resolved': {
      text(14, 44, `${v.filter}, last ${v.days} days`, ' fill="#5e6c84"');
      const max = Math.max(v.created, v.resolved, 1);
      const bar = (i: number, label: string, n: number, color: string) => {
        out.push(`<rect x="120" y="${76 + i * 50}" width="${Math.round((300 * n) / max)}" height="28" fill="${color}"/>`);
        text(14, 95 + i * 50, `${label}: ${n}`);
      };
      bar(0, 'Created', v.created, '#de350b');
      bar(1, 'Resolved', v.resolved, '#36b37e');
      break;
    }
  }
  return out;
}
