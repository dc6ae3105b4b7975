/**
 * The scaling curve (f) as a small SVG: feed-page latency (p50 solid, p99 dashed) against the
 * number of posts in the store, on a log scale. No chart library: axes, ticks and polylines.
 */
export interface CurveSeries {
  label: string;
  color: string;
  dashed?: boolean;
  points: { posts: number; ms: number }[];
}

const WIDTH = 640;
const HEIGHT = 360;
const PAD = { left: 64, right: 170, top: 36, bottom: 48 };

export function scalingChart(
  title: string,
  series: CurveSeries[],
  xTicks: number[],
  emptyNote: string,
): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const points = series.flatMap((s) => s.points);
  const xs = [...xTicks, ...points.map((p) => p.posts)];
  const minX = Math.log10(Math.min(...xs));
  const maxX = Math.log10(Math.max(...xs));
  const maxY = niceCeiling(Math.max(1, ...points.map((p) => p.ms)));
  const x = (posts: number) =>
    PAD.left + (maxX === minX ? 0 : ((Math.log10(posts) - minX) / (maxX - minX)) * plotW);
  const y = (ms: number) => PAD.top + plotH - (ms / maxY) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PAD.left}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const ms = (maxY / 4) * i;
    out.push(
      `<line x1="${PAD.left}" y1="${y(ms)}" x2="${PAD.left + plotW}" y2="${y(ms)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 8}" y="${y(ms) + 4}" text-anchor="end">${formatMs(ms)}</text>`,
    );
  }
  for (const posts of xTicks) {
    out.push(
      `<line x1="${x(posts)}" y1="${PAD.top}" x2="${x(posts)}" y2="${PAD.top + plotH}" stroke="#eee"/>`,
      `<text x="${x(posts)}" y="${PAD.top + plotH + 18}" text-anchor="middle">${posts.toLocaleString('en-US')}</text>`,
    );
  }
  out.push(
    `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${PAD.left + plotW}" y2="${PAD.top + plotH}" stroke="#333"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" stroke="#333"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">posts in the store (log scale)</text>`,
    `<text x="16" y="${PAD.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${PAD.top + plotH / 2})">latency (ms)</text>`,
  );
  if (points.length === 0) {
    out.push(
      `<text x="${PAD.left + plotW / 2}" y="${PAD.top + plotH / 2}" text-anchor="middle" fill="#a00">${escapeXml(emptyNote)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const sorted = [...s.points].sort((a, b) => a.posts - b.posts);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (sorted.length > 1) {
      const path = sorted.map((p) => `${x(p.posts).toFixed(1)},${y(p.ms).toFixed(1)}`).join(' ');
      out.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
    for (const p of sorted) {
      out.push(
        `<circle cx="${x(p.posts).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="3.5" fill="${s.color}"/>`,
      );
    }
    const ly = PAD.top + 8 + i * 20;
    const lx = PAD.left + plotW + 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly + 4}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** 1, 2, 2.5, 5 × 10^n at or above the value, so the y ticks read as round numbers. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value * 1.05) return step * power;
  return 10 * power;
}

function formatMs(ms: number): string {
  return String(Number(ms.toFixed(1)));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
