/**
 * The partition checker reports problems as English sentences; the admin console needs them by kind
 * (gaps, overlaps, bad codes, …) with the cells and place they name, to count, translate and draw
 * them. This reads one sentence back into those parts.
 */
export type PartitionProblemKind =
  'gap' | 'overlap' | 'code' | 'sequence' | 'outside_extent' | 'outside_community' | 'geometry' | 'other';

export interface PartitionProblem {
  readonly kind: PartitionProblemKind;
  /** Grid cell codes the sentence names (14 digits). */
  readonly cells: readonly string[];
  readonly areaM2: number | null;
  /** `[lng, lat]` the sentence names ("near (43.9 N, 116.1 E)"), for a marker on the map. */
  readonly at: readonly [number, number] | null;
  /** The checker's own sentence (technical detail). */
  readonly text: string;
}

export function classifyPartitionProblem(text: string): PartitionProblem {
  const cells = [...new Set(text.match(/\b\d{14}\b/g) ?? [])];
  const area = /by ([\d.e+-]+) m²|gap of ([\d.e+-]+) m²/.exec(text);
  const areaM2 = area ? Number(area[1] ?? area[2]) : null;
  const near = /\(([\d.]+) N, ([\d.]+) E\)/.exec(text);
  const at = near ? ([Number(near[2]), Number(near[1])] as const) : null;
  let kind: PartitionProblemKind = 'other';
  if (/^gap of /.test(text)) kind = 'gap';
  else if (/ overlaps /.test(text)) kind = 'overlap';
  else if (/extend outside the extent/.test(text)) kind = 'outside_extent';
  else if (/extends outside its community/.test(text)) kind = 'outside_community';
  else if (/sequences must run|not numbered west/.test(text)) kind = 'sequence';
  else if (/code|sub-district|county prefix|community list/.test(text)) kind = 'code';
  else if (/no area|could not be processed|differs from the area/.test(text)) kind = 'geometry';
  return { kind, cells, areaM2, at, text };
}
