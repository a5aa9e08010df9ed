export interface PlaceholderInfo {
  /** What the value is, for the templates guide and error hints ('' = see the vendor docs). */
  doc: string;
  /** The element has attributes or children: dotted sub-paths below it are allowed. */
  nested?: boolean;
}

/** Placeholder names of one module (or namespace) and what each is. */
export type PlaceholderEntries = Record<string, PlaceholderInfo>;

/** A placeholder without sub-paths. */
export const leaf = (doc = ''): PlaceholderInfo => ({ doc });
/** A placeholder whose dotted sub-paths are allowed (`QDS.content`). */
export const nested = (doc = ''): PlaceholderInfo => ({ doc, nested: true });
/** Undocumented leaves (the vendor docs describe them). */
export const plain = (names: string[]): PlaceholderEntries => Object.fromEntries(names.map((n) => [n, leaf()]));
