/** The modules a template is written for (its `metadata.moduleName`). */
export type ModuleName = 'VMDR' | 'WAS' | 'CS-Container' | 'CS-Image' | 'XRAY';
export const MODULE_NAMES: readonly ModuleName[] = ['VMDR', 'WAS', 'CS-Container', 'CS-Image', 'XRAY'];

export function isModuleName(name: string): name is ModuleName {
  return (MODULE_NAMES as readonly string[]).includes(name);
}
