/** Just enough of the Atlassian Document Format for the simulator to accept or refuse a body. */
export interface AdfLike {
  type: string;
  version?: number;
  text?: string;
  content?: AdfLike[];
}

/** Why this is not an ADF document, or undefined when it is one. */
export function adfProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const doc = value as AdfLike;
  if (doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content)) return 'not a doc node with version 1 and content';
  return nodeProblem(doc.content);
}

function nodeProblem(nodes: unknown[]): string | undefined {
  for (const n of nodes) {
    if (!n || typeof n !== 'object') return 'node is not an object';
    const node = n as AdfLike;
    if (typeof node.type !== 'string' || !node.type) return 'node without type';
    if (node.type === 'text' && (typeof node.text !== 'string' || node.text.length === 0)) return 'text node without text';
    if (node.content !== undefined) {
      if (!Array.isArray(node.content)) return 'content is not an array';
      const inner = nodeProblem(node.content);
      if (inner) return inner;
    }
  }
  return undefined;
}

export function adfText(value: unknown): string {
  const node = value as AdfLike;
  if (!node || typeof node !== 'object') return '';
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  const inner = (node.content ?? []).map(adfText);
  return node.type === 'doc' ? inner.join('\n\n') : inner.join('');
}

export function textToAdf(text: string): AdfLike {
  return {
    type: 'doc',
    version: 1,
    content: text ? [{ type: 'paragraph', content: [{ type: 'text', text }] }] : [],
  };
}
