// The narrative-frame taxonomy (v1) and the audiences, as plain data: the
// labeling guide of /work/shared/frames.md in machine-readable form. The API
// serves it at GET /v1/frames; the classifier may reference the ids.
//
// This module imports nothing of the project (see eslint.config.js).

export const TAXONOMY_VERSION = 'v1';

export interface FrameDefinition {
  /** Stable id stored in frame_tags.frame and used in every API parameter. */
  id: string;
  label: string;
  /** One line: what the post's author advances. */
  description: string;
}

export const FRAMES = [
  {
    id: 'denial',
    label: 'Denial',
    description: 'DPRK troops are not there or not fighting; the reports are fake, staged, or the captured men are "our Buryats".',
  },
  {
    id: 'western_pretext',
    label: 'Western pretext',
    description: 'Ukraine or the West pushes the DPRK story for an ulterior motive: more weapons and money, mobilization, excusing defeat.',
  },
  {
    id: 'berserker_praise',
    label: 'Berserker praise',
    description: 'DPRK soldiers are admirable fighters: fearless, elite, "no reverse gear", take villages in hours.',
  },
  {
    id: 'incompetence',
    label: 'Incompetence',
    description: 'DPRK soldiers are inexperienced or unprepared for modern war: helpless against drones, walking in crowds.',
  },
  {
    id: 'kidnapping',
    label: 'Kidnapping',
    description: 'Captured DPRK soldiers were "kidnapped", are hostages or props of a staged show; Ukraine has no business in Kursk.',
  },
  {
    id: 'alliance_legitimation',
    label: 'Alliance legitimation',
    description: "The DPRK's help is legitimate and reassuring: a sovereign decision, the treaty, \"Russia is not alone\", NATO does the same.",
  },
  {
    id: 'cannon_fodder',
    label: 'Cannon fodder',
    description: 'DPRK soldiers are sacrificed: sent to die, massive casualties, pity for the soldiers as pawns.',
  },
] as const satisfies readonly FrameDefinition[];

export type FrameId = (typeof FRAMES)[number]['id'];
export const FRAME_IDS: readonly FrameId[] = FRAMES.map((f) => f.id);

export function isFrameId(value: unknown): value is FrameId {
  return typeof value === 'string' && (FRAME_IDS as readonly string[]).includes(value);
}

export interface AudienceDefinition {
  id: string;
  label: string;
  description: string;
}

export const AUDIENCE_DEFINITIONS = [
  { id: 'ua', label: 'Ukrainian audience', description: 'Propaganda aimed at Ukrainians.' },
  { id: 'ru', label: 'Russian domestic audience', description: '"War correspondents", Z-channels, federal TV hosts.' },
  { id: 'west', label: 'Foreign audiences', description: 'RT/Sputnik-style outlets and English-language channels.' },
  { id: 'monitor', label: 'Monitored for comparison', description: 'Ukrainian or independent channels watched for comparison.' },
] as const satisfies readonly AudienceDefinition[];
