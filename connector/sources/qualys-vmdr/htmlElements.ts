/**
 * Element names of HTML (WHATWG HTML Living Standard §4 "The elements of HTML", plus the
 * obsolete ones of §16 that old KnowledgeBase texts may still use, such as `<FONT>` and
 * `<CENTER>`). Only these start markup in a KnowledgeBase text: anything else in angle
 * brackets is text (`<RCE>` in a title, `<username>` in a solution). `image`, which
 * parsers alias to `img`, is left out: `<image>` is far more likely a word in a command
 * line (`docker pull <image>`) than markup.
 */
export const HTML_ELEMENTS: ReadonlySet<string> = new Set([
  'a', 'abbr', 'address', 'area', 'article', 'aside', 'audio', 'b', 'base', 'bdi', 'bdo', 'blockquote', 'body', 'br',
  'button', 'canvas', 'caption', 'cite', 'code', 'col', 'colgroup', 'data', 'datalist', 'dd', 'del', 'details', 'dfn',
  'dialog', 'div', 'dl', 'dt', 'em', 'embed', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'head', 'header', 'hgroup', 'hr', 'html', 'i', 'iframe', 'img', 'input', 'ins', 'kbd', 'label',
  'legend', 'li', 'link', 'main', 'map', 'mark', 'menu', 'meta', 'meter', 'nav', 'noscript', 'object', 'ol',
  'optgroup', 'option', 'output', 'p', 'param', 'picture', 'pre', 'progress', 'q', 'rp', 'rt', 'ruby', 's', 'samp',
  'script', 'search', 'section', 'select', 'slot', 'small', 'source', 'span', 'strong', 'style', 'sub', 'summary',
  'sup', 'table', 'tbody', 'td', 'template', 'textarea', 'tfoot', 'th', 'thead', 'time', 'title', 'tr', 'track', 'u',
  'ul', 'var', 'video', 'wbr',
  // Obsolete (§16.2 "Non-conforming features"), still rendered by browsers.
  'acronym', 'applet', 'basefont', 'bgsound', 'big', 'blink', 'center', 'dir', 'font', 'frame', 'frameset', 'listing',
  'marquee', 'nobr', 'noembed', 'noframes', 'plaintext', 'rb', 'rtc', 'strike', 'tt', 'xmp',
]);

/**
 * `<` and `</` before a name that is not an HTML element, written as `&lt;` so an HTML
 * parser keeps them as text. The name runs to whitespace, `/` or `>`, as an HTML
 * tokenizer reads a tag name (WHATWG §13.2.5.8 "Tag name state"); `<!--`, `<!DOCTYPE`
 * and `< b` are not touched.
 */
const TAG_START = /<(\/?)([A-Za-z][^\s/>]*)/g;

export function escapeUnknownTags(html: string): string {
  if (!html.includes('<')) return html;
  return html.replace(TAG_START, (whole, slash: string, name: string) =>
    HTML_ELEMENTS.has(name.toLowerCase()) ? whole : `&lt;${slash}${name}`,
  );
}
