/** Names from the URL are echoed in answers and logs: keep them short. */
export function clip(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
