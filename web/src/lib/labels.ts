import type { SuiteKind } from './types.ts';

const suiteKindLabels: Record<SuiteKind, string> = {
  edit: 'Edit suite',
  grading: 'Grading theatre',
  dubbing: 'Dubbing stage',
  mix: 'Mix stage',
  vfx: 'VFX',
  qc: 'QC',
  mcr: 'MCR',
  'machine-room': 'Machine room',
  other: 'Other',
};

/** "machine-room" → "Machine room"; the server allows kinds we may not know yet. */
export function kindLabel(kind: string): string {
  if (kind in suiteKindLabels) return suiteKindLabels[kind as SuiteKind];
  const words = kind.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
