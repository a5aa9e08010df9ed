/**
 * HTML text and attribute values: everything on the status page that is not our own
 * markup goes through here (job names, errors from scanners and Jira, endpoint names).
 */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `2026-01-10 08:05 UTC` (minutes are enough at 3 am). */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `3 min ago`, `in 2 h`, `5 d ago`: how far `iso` is from `now`. */
export function relative(iso: string, now: string): string {
  const seconds = Math.round((Date.parse(iso) - Date.parse(now)) / 1000);
  const abs = Math.abs(seconds);
  const amount =
    abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.floor(abs / 60)} min` : abs < 172_800 ? `${Math.floor(abs / 3600)} h` : `${Math.floor(abs / 86_400)} d`;
  if (abs < 5) return 'just now';
  return seconds < 0 ? `${amount} ago` : `in ${amount}`;
}

/** `1 h 5 min`, `42 s`: a duration in seconds. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
