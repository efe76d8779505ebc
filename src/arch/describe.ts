/**
 * Entry of the `arch` stage: from a parsed `config.json` to an {@link ArchDescription}.
 * Picks the model's description by `model_type`, unwraps multimodal wrappers to their text
 * decoder, and refuses configs it cannot fully account for.
 */
import { HfArchError } from '../errors.js';
import { locateJsonPath } from '../json-text.js';
import { ConfigReader, own, quote, type ConfigOrigin } from './config-reader.js';
import { ARCHITECTURES, RECIPES, WRAPPERS } from './recipes.js';
import { TOWERS } from './towers.js';
import type { ArchDescription } from './types.js';

/** Architectures that are not decoder-only LLMs, for a precise refusal. */
const NOT_DECODER = new Set([
  'bert', 'roberta', 'xlm-roberta', 'deberta', 'deberta-v2', 'distilbert', 'albert', 'electra',
  'modernbert', 't5', 'mt5', 'umt5', 'bart', 'mbart', 'pegasus', 'marian', 'whisper', 'vit',
  'clip', 'siglip', 'wav2vec2', 'encoder-decoder', 'speech_to_text', 'blenderbot',
]);

/** Model types this tool can describe, for messages and docs. */
export const SUPPORTED_MODEL_TYPES: readonly string[] = [...RECIPES.keys()].sort();

/** How strictly a config is read. */
export interface DescribeOptions {
  /** Describe the model even when the config has fields the tool does not understand; they are
   * then listed in `notes`. Default false: such a config is an error. */
  allowUnknownFields?: boolean;
}

/** Describes the architecture a parsed `config.json` declares. */
export function describeConfig(config: unknown, origin: ConfigOrigin, options: DescribeOptions = {}): ArchDescription {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new HfArchError('config-not-object', 'the config is not a JSON object', {
      location: { file: origin.file },
      hint: 'A model config.json is an object such as {"model_type": "llama", ...}.',
    });
  }
  const top = new ConfigReader(config as Record<string, unknown>, origin);
  const architectures = readArchitectures(top);
  const { type: topType, note: typeNote } = resolveType(top, top.strOr('model_type', null), architectures);

  let reader = top;
  let textPath: string | null = null;
  let textNote = '';
  let wrapperDefaults: Record<string, unknown> = {};
  if (top.has('text_config') && (topType === null || !RECIPES.has(topType))) {
    reader = top.child('text_config')!;
    reader.wrapper = top;
    textPath = 'text_config';
    if (reader.strOr('model_type', null) === null) {
      const implied = topType ? WRAPPERS.get(topType) : undefined;
      if (!implied && topType !== null && !WRAPPERS.has(topType)) throw unsupported(top, topType);
      if (!implied) {
        throw reader.error('config-invalid-field', 'model_type', 'is missing, so the text decoder cannot be identified', {
          hint: 'Add "model_type" to text_config (e.g. "mistral").',
        });
      }
      reader.withDefaults({ model_type: implied }, `implied by ${topType}`);
      textNote = ` (${topType} implies model_type "${implied}")`;
    }
    wrapperDefaults = readWrapperFields(top, reader);
  }
  const modelType = textPath ? resolveType(reader, reader.strOr('model_type', null), []).type : topType;
  if (modelType === null) {
    throw top.error('config-invalid-field', 'model_type', 'is missing', {
      hint: 'Every transformers config.json names its model_type; is this a model config?',
    });
  }
  if (NOT_DECODER.has(modelType) || reader.bool('is_encoder_decoder', false)) {
    throw new HfArchError('not-decoder-only', `model_type ${quote(modelType)} is not a decoder-only LLM`, {
      location: { file: origin.file, field: reader.path('model_type') },
      hint: 'This tool draws decoder-only language models (Llama, Qwen, DeepSeek, ...).',
    });
  }
  const recipe = RECIPES.get(modelType);
  if (!recipe) throw unsupported(reader, modelType);
  reader.withDefaults({ model_type: modelType, ...recipe.defaults }, `the default of ${modelType}`);
  const arch = recipe.describe(reader.withDefaults(wrapperDefaults, "the wrapper's value"));
  arch.notes.push(...reader.defaultsApplied);
  const towerUnknown: string[] = [];
  const towers = textPath && topType !== null ? TOWERS.get(topType) : undefined;
  if (towers) arch.towers = towers(top, arch.dims['d']!, towerUnknown, arch.notes);
  const unknown = textPath ? [...top.unknownFields(), ...reader.unknownFields(), ...towerUnknown] : reader.unknownFields();
  if (unknown.length > 0) {
    if (!options.allowUnknownFields) {
      throw new HfArchError('config-unknown-fields', `the config has fields this tool does not understand for ${modelType}: ${listFields(unknown)}`, {
        location: { file: origin.file, ...locateJsonPath(origin.text, unknown[0]!), field: cutName(unknown[0]!) },
        hint: 'They may change the parameter count, so no count is given. If you know they do not, pass --allow-unknown-fields (the fields are then listed in the notes); otherwise please report the model.',
      });
    }
    arch.notes.push(`Fields not understood (ignored on request): ${listFields(unknown)}.`);
  }
  arch.architectures = architectures;
  arch.model_type = modelType;
  if (typeNote) arch.notes.unshift(typeNote);
  const quantized = quantization(top) ?? (textPath ? quantization(reader) : null);
  if (quantized) {
    arch.notes.push(
      `The released weights are quantized (${quantized}): the counts are of parameters, packed values unpacked, quantization scales left out; a total of the stored tensors (the Hub's safetensors total) may count packed elements or scales instead, and then is not a parameter count.`,
    );
  }
  if (recipe.checkpointUnknown) {
    arch.checkpoint.unknown ??= recipe.checkpointUnknown;
    arch.notes.push(`No whole-checkpoint count (totals.checkpoint_params is null): ${recipe.checkpointUnknown}.`);
  }
  if (textPath) {
    if (!towers) arch.checkpoint.unknown ??= 'the vision tower and projector are not counted';
    arch.text_config_path = textPath;
    arch.flags.multimodal_wrapper = true;
    const towerText = !towers
      ? 'the vision tower and projector are not counted'
      : arch.towers.length === 0
        ? 'its checkpoint holds the language model only'
        : `the ${arch.towers.map((t) => t.name.charAt(0).toLowerCase() + t.name.slice(1)).join(' and ')} are counted apart, in checkpoint_params only`;
    arch.notes.unshift(`This config wraps a multimodal model (${topType === null ? 'unknown' : cutName(topType)}); described is its text decoder (${textPath}${textNote}); ${towerText}.`);
  }
  return arch;
}

/** transformers model types that are not text decoders but that some LLM configs wrongly claim
 * (Grok-2's config says "git", the GIT image captioner): `architectures` decides for them. */
const UNRELATED_TYPES = new Set(['git']);

/**
 * The model_type to read the config as: the one it names (in any letter case: Motif writes
 * "Motif"); where it names none, or an unrelated transformers model (Grok-2's "git"), the one its
 * `architectures` class stands for, when that is known. Any other unknown type is refused as it is.
 */
function resolveType(r: ConfigReader, stated: string | null, architectures: string[]): { type: string | null; note: string | null } {
  if (stated !== null && (RECIPES.has(stated) || WRAPPERS.has(stated) || NOT_DECODER.has(stated))) return { type: stated, note: null };
  const lower = stated?.toLowerCase() ?? null;
  if (lower !== null && stated !== lower && (RECIPES.has(lower) || WRAPPERS.has(lower))) {
    return { type: lower, note: `model_type ${quote(stated!)} is read as ${quote(lower)}.` };
  }
  if (stated !== null && !UNRELATED_TYPES.has(stated)) return { type: stated, note: null };
  const byClass = architectures.length > 0 ? ARCHITECTURES.get(architectures[0]!) : undefined;
  if (byClass === undefined) return { type: stated, note: null };
  if (!RECIPES.has(byClass) && !WRAPPERS.has(byClass)) {
    const why = stated === null ? 'model_type is absent, and' : `model_type ${quote(stated)} is an unrelated transformers model, and`;
    throw r.error('unsupported-model-type', 'architectures', `names ${quote(architectures[0]!)}, which is ${byClass}: ${why} this tool cannot describe it yet`, { hint: UNSUPPORTED_HINT });
  }
  const why = stated === null ? 'model_type is absent' : `model_type ${quote(stated)} is an unrelated transformers model`;
  return { type: byClass, note: `${why}: read as ${quote(byClass)}, the type of architectures ${quote(architectures[0]!)}.` };
}

/** The quantization a config declares (`quantization_config.quant_method`), or null: it changes
 * how a checkpoint stores weights, not how many parameters there are. */
function quantization(r: ConfigReader): string | null {
  const q = own(r.raw, 'quantization_config');
  if (q === undefined || q === null) return null;
  const method = typeof q === 'object' && !Array.isArray(q) ? own(q as Record<string, unknown>, 'quant_method') : undefined;
  return typeof method === 'string' && /^[\w.-]{1,40}$/.test(method) ? `quant_method ${quote(method)}` : 'quantization_config';
}

const UNSUPPORTED_HINT = `Supported: ${SUPPORTED_MODEL_TYPES.join(', ')}. For another type, --from-checkpoint (fromCheckpoint: true) counts and draws it from the checkpoint's tensor headers.`;

function unsupported(r: ConfigReader, type: string): HfArchError {
  return r.error('unsupported-model-type', 'model_type', `is ${quote(type)}, which this tool cannot describe yet`, { hint: UNSUPPORTED_HINT });
}

/** The first ten names, then how many more: a config can have any number of keys. */
function listFields(names: string[]): string {
  const shown = names.slice(0, 10).map(cutName).join(', ');
  return names.length > 10 ? `${shown} and ${(names.length - 10).toLocaleString('en-US')} more` : shown;
}

/** A key as long as a file is still named readably. */
function cutName(name: string): string {
  return name.length > 80 ? `${name.slice(0, 77)}…` : name;
}

function readArchitectures(r: ConfigReader): string[] {
  const v = r.get('architectures');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw r.error('config-invalid-field', 'architectures', 'must be an array of strings');
  }
  if (v.length > 100) throw r.error('config-invalid-field', 'architectures', `has ${v.length} entries; a config names one or a few`);
  return v as string[];
}

/** Fields of a multimodal wrapper that concern the vision side or the token plumbing. */
const WRAPPER_FIELD = /^(vision_config|audio_config|text_config|projector_\w+|multimodal_projector_bias|\w+_token_(index|id)|mm_tokens_per_image|image_seq_length|spatial_merge_size|vision_feature_(layer|select_strategy)|image_grid_pinpoints|downsample_ratio|ignore_index|video_placeholder|image_placeholder|use_unified_vision_chunk)$/;

/**
 * Checks a wrapper's own fields: the vision side is marked as understood; a top-level
 * `tie_word_embeddings` (which transformers honours for the wrapper) becomes the text decoder's
 * default, and must agree with the text config when both state it.
 */
function readWrapperFields(top: ConfigReader, text: ConfigReader): Record<string, unknown> {
  for (const k of Object.keys(top.raw)) if (WRAPPER_FIELD.test(k)) top.mark(k);
  if (!top.present('tie_word_embeddings')) return {};
  const tied = top.bool('tie_word_embeddings', false);
  if (text.present('tie_word_embeddings') && text.raw['tie_word_embeddings'] !== null && text.raw['tie_word_embeddings'] !== tied) {
    throw text.error('config-inconsistent', 'tie_word_embeddings', `disagrees with the wrapper's tie_word_embeddings (${String(tied)})`);
  }
  return { tie_word_embeddings: tied };
}
