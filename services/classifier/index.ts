// The classifier's single entry point.
export type { Classification, Classifier, EvidenceSpan, FrameId, FrameTag, Lang } from './types.ts';
export { FRAME_IDS, isFrameId } from './types.ts';
export { createClassifier, classifierVersion, ENGINE_VERSION } from './classifier.ts';
export type { ClassifierOptions, CueHit, Explanation, ExplainingClassifier } from './classifier.ts';
export { loadFrameData, buildFrameData, DEFAULT_FRAMES_DIR, FrameDataError } from './data.ts';
export type { FrameData } from './data.ts';
