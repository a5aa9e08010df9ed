/**
 * Characters no Jira field should receive: C0 controls other than tab/newline, DEL, the
 * noncharacters U+FFFE/U+FFFF, and lone surrogates. ADF text is JSON that Jira Cloud
 * validates (a bad node fails the whole create with "We can't create this issue ... unsupported
 * content", tenable/integration-jira-cloud#13), and Data Center stores text in XML-backed
 * exports where these characters are illegal (XML 1.0 §2.2 Char production).
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Anything `cleanText` might change: a CR, a forbidden character, any surrogate. Most texts
 * have none, and one test is cheaper than three replaces (a dozen texts per ticket).
 */
const MAYBE_DIRTY = /[\r\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Normalize line ends to `\n` and drop characters Jira rejects (lone surrogates become U+FFFD). */
export function cleanText(text: string): string {
  if (!MAYBE_DIRTY.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(FORBIDDEN, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** Jira Cloud's hard limit for description, comment and text-area fields (JRACLOUD-68949). */
export const JIRA_TEXT_LIMIT = 32767;
