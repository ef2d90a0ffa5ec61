// The classifier's public vocabulary. Other modules (posts store, trends,
// alerts, API) code against these names, so they change only with them.

export type FrameId =
  | 'denial'
  | 'western_pretext'
  | 'berserker_praise'
  | 'incompetence'
  | 'kidnapping'
  | 'alliance_legitimation'
  | 'cannon_fodder';

/** The seven frames of taxonomy v1 (shared/frames.md), in the guide's order. */
export const FRAME_IDS: readonly FrameId[] = [
  'denial',
  'western_pretext',
  'berserker_praise',
  'incompetence',
  'kidnapping',
  'alliance_legitimation',
  'cannon_fodder',
];

export function isFrameId(value: unknown): value is FrameId {
  return typeof value === 'string' && (FRAME_IDS as readonly string[]).includes(value);
}

export type Lang = 'ru' | 'uk' | 'en' | 'other';

/** A span of the ORIGINAL post text, in UTF-16 code units as JS strings index them. */
export interface EvidenceSpan {
  start: number;
  end: number;
  /** Always original.slice(start, end). */
  text: string;
}

export interface FrameTag {
  frame: FrameId;
  /** In [0, 1]; the tag is reported because it crossed the frame's threshold. */
  score: number;
  evidence: EvidenceSpan[];
}

export interface Classification {
  lang: Lang;
  onTopic: boolean;
  /** Empty unless onTopic; sorted by descending score. */
  frames: FrameTag[];
}

export interface Classifier {
  /** "fw-<engine semver>-<12 hex of sha256 over engine version and cue data>"; store it with every tag. */
  readonly version: string;
  classify(text: string): Classification;
}
