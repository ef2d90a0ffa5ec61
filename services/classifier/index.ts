// The classifier's single entry point.
export type { Classification, Classifier, EvidenceSpan, FrameId, FrameTag, Lang } from './types.ts';
export { FRAME_IDS, isFrameId } from './types.ts';
export { createClassifier, classifierVersion, ENGINE_VERSION } from './classifier.ts';
export type { ClassifierOptions, ModelExplanation } from './classifier.ts';
export { createRuleClassifier, RULES_VERSION } from './rules.ts';
export type { CueHit, Explanation, ExplainingClassifier, RuleAnalysis, RuleClassifier, RuleOptions } from './rules.ts';
export { FeatureExtractor, RULE_FEATURES } from './features.ts';
export { FrameModel, HEADS, loadModel, ModelError, DEFAULT_MODEL_FILE } from './model.ts';
export { loadFrameData, buildFrameData, DEFAULT_FRAMES_DIR, FrameDataError } from './data.ts';
export type { FrameData } from './data.ts';
