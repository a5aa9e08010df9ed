/**
 * The subset of the Atlassian Document Format we produce: doc → paragraph → text /
 * hardBreak (developer.atlassian.com/cloud/jira/platform/apis/document/structure), text
 * optionally with a link mark (.../document/marks/link: `{type: "link", attrs: {href}}`).
 * Text nodes must not be empty ("text must not be empty", .../document/nodes/text).
 */
export interface AdfLinkMark {
  type: 'link';
  attrs: { href: string };
}
export interface AdfText {
  type: 'text';
  text: string;
  marks?: AdfLinkMark[];
}
export interface AdfHardBreak {
  type: 'hardBreak';
}
export type AdfInline = AdfText | AdfHardBreak;
export interface AdfParagraph {
  type: 'paragraph';
  content: AdfInline[];
}
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfParagraph[];
}
