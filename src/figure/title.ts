/**
 * The figure's title and its model colour: a readable model name with its exact size
 * ("Llama 3 8B (8.03B)", "Qwen3 Next 80B-A3B (79.7B, 3.56B active)"), an accent colour per
 * organisation or family, and the light tint of that accent behind the repeated block.
 */
import type { ArchJson } from '../schema/arch-json.js';
import { contrastRatio, mixWithWhite, parseHex, toHex } from './contrast.js';

// ---------------------------------------------------------------------------------------------
// Title.

/**
 * The title of a model's figure: its name made readable, then its size from our exact counts in
 * parentheses, to three significant digits (`27.0B` says it is a count, not the nominal "27B" of
 * the name). A mixture of experts adds the parameters multiplied per token
 * (`active_params_non_embedding`, the convention of the gpt-oss and DeepSeek cards):
 * "DeepSeek V3 (671B, 36.6B active)". The size is that of the main model (MTP modules left out,
 * as the cards' "671B" does).
 */
export function displayTitle(arch: ArchJson): string {
  return `${modelDisplayName(arch.model.name)} (${sizeLabel(arch)})`;
}

/** `671B`, or `671B, 36.6B active` when some parameters sit idle for each token. */
export function sizeLabel(arch: ArchJson): string {
  const t = arch.totals;
  const total = significant3(t.params_main);
  return t.active_params < t.params_main ? `${total}, ${significant3(t.active_params_non_embedding)} active` : total;
}

/** Three significant digits with a unit, trailing zeros kept: 8.03B, 27.0B, 671B, 596M, 124M. */
export function significant3(n: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [scale, suffix] of units) {
    // Largest unit first, compared after rounding: 999.6M is 1.00B, not 1.00e+3M.
    const digits = (n / scale).toPrecision(3);
    if (Number(digits) >= 1) return `${digits}${suffix}`;
  }
  return String(n);
}

/**
 * Known families, by the lower-case form they take in repo names: how to write them, and how a
 * separate version token joins them ("Phi-3", "GPT-2", but "Llama 3", "Gemma 2").
 */
const FAMILIES = new Map<string, { name: string; join: string }>(Object.entries({
  llama: { name: 'Llama', join: ' ' },
  qwen: { name: 'Qwen', join: '' },
  gemma: { name: 'Gemma', join: ' ' },
  mistral: { name: 'Mistral', join: ' ' },
  mixtral: { name: 'Mixtral', join: ' ' },
  deepseek: { name: 'DeepSeek', join: ' ' },
  olmo: { name: 'OLMo', join: ' ' },
  olmoe: { name: 'OLMoE', join: ' ' },
  phi: { name: 'Phi', join: '-' },
  falcon: { name: 'Falcon', join: ' ' },
  gpt: { name: 'GPT', join: '-' },
  smollm: { name: 'SmolLM', join: '' },
  minimax: { name: 'MiniMax', join: ' ' },
  opt: { name: 'OPT', join: ' ' },
}));

/** "gpt-" and the next word: OpenAI's lower-case gpt-oss, EleutherAI's GPT-NeoX and GPT-J. */
const GPT_NAMES = new Map(Object.entries({ oss: 'gpt-oss', neox: 'GPT-NeoX', j: 'GPT-J' }));

/** Words written in a fixed way when they stand alone. */
const WORDS = new Map<string, string>(Object.entries({ moe: 'MoE', rw: 'RW', oss: 'oss', r7b: 'R7B' }));

/**
 * Variant suffixes of a checkpoint that do not change the architecture (the same config with
 * other weights): instruction and chat tuning, the `-hf` of converted Llama 2, base models.
 * The figure draws the architecture, so its title names that; the source line names the exact
 * checkpoint. Four-digit tokens are release dates (`2503`, `1124`): sizes carry a unit and
 * versions a dot or a `v`.
 */
const VARIANT = /^(instruct|it|hf|chat|base|thinking|reasoning|fp8|bf16)$/i;

/**
 * A readable name from a repo name: `Meta-Llama-3-8B-Instruct` → `Llama 3 8B`, `gpt-oss-20b` →
 * `gpt-oss 20B`, `gemma-3-27b-it` → `Gemma 3 27B`, `Qwen3-30B-A3B` → `Qwen3 30B-A3B`.
 */
export function modelDisplayName(repoName: string): string {
  let tokens = repoName.split(/[-_\s]+/).filter((t) => t.length > 0);
  // "Meta-Llama-3": the organisation is not part of the model's name.
  if (tokens.length > 1 && /^meta$/i.test(tokens[0]!) && /^llama/i.test(tokens[1]!)) tokens = tokens.slice(1);
  // "c4ai-command-r7b": Cohere For AI's prefix is no part of the name either.
  if (tokens.length > 1 && /^c4ai$/i.test(tokens[0]!)) tokens = tokens.slice(1);
  // A month before a year ("12-2024", Cohere's release dates) goes with it; "OLMo-2-1124" keeps its 2.
  tokens = tokens.filter((t, i) => i === 0 || !(VARIANT.test(t) || /^\d{4}$/.test(t) || (/^(0?[1-9]|1[0-2])$/.test(t) && /^20\d\d$/.test(tokens[i + 1] ?? ''))));
  const words: string[] = [];
  let family: { name: string; join: string } | null = null;
  let skip = -1;
  for (const [i, raw] of tokens.entries()) {
    const lower = raw.toLowerCase();
    const prev = words.length > 0 ? words[words.length - 1]! : null;
    // Families named "gpt-<word>", written as their makers write them; the word is taken with it.
    const gpt = lower === 'gpt' ? GPT_NAMES.get(tokens[i + 1]?.toLowerCase() ?? '') : undefined;
    if (gpt) {
      words.push(gpt);
      family = null;
      skip = i + 1;
      continue;
    }
    if (i === skip) continue;
    const fam = familyToken(lower);
    if (fam) {
      words.push(fam.text);
      family = fam.attached ? null : fam.family;
      continue;
    }
    // A bare version right after a family name: "Llama 3", "Phi-3", "DeepSeek V3".
    if (family && prev !== null && /^v?\d+(\.\d+)?$/i.test(raw)) {
      words[words.length - 1] = `${prev}${family.join}${/^v/i.test(raw) && family.name === 'DeepSeek' ? raw.toUpperCase() : raw}`;
      family = null;
      continue;
    }
    family = null;
    const size = sizeToken(raw);
    // Adjacent sizes form one: "30B-A3B" (total and active), "17B-16E" (and experts).
    if (size !== null && prev !== null && sizeToken(prev) !== null) words[words.length - 1] = `${prev}-${size}`;
    else words.push(size ?? word(raw));
  }
  return words.length > 0 ? words.join(' ') : repoName;
}

/** A family token, alone (`llama`) or with its version attached (`qwen3`, `smollm3`, `gpt2`). */
function familyToken(lower: string): { text: string; family: { name: string; join: string }; attached: boolean } | null {
  const alone = FAMILIES.get(lower);
  if (alone) return { text: alone.name, family: alone, attached: false };
  const m = /^([a-z]+?)(\d+(?:\.\d+)?)$/.exec(lower);
  const fam = m ? FAMILIES.get(m[1]!) : undefined;
  if (!m || !fam) return null;
  // "gpt2" → "GPT-2" and "phi3" → "Phi-3"; "qwen3" → "Qwen3"; "olmo2" → "OLMo 2".
  return { text: `${fam.name}${fam.join}${m[2]}`, family: fam, attached: true };
}

/** A size with its unit upper-cased (`8b` → `8B`, `125m` → `125M`, `8x7b` → `8x7B`, `a3b` →
 * `A3B`, `16e` → `16E`, `4k` → `4K`), or null when the token is no size. */
function sizeToken(raw: string): string | null {
  if (/^\d+(\.\d+)?[bmkt]$/i.test(raw) || /^\d+x\d+(\.\d+)?[bm]$/i.test(raw)) return `${raw.slice(0, -1)}${raw.slice(-1).toUpperCase()}`;
  if (/^a\d+(\.\d+)?[bm]$/i.test(raw)) return raw.toUpperCase();
  if (/^\d+e$/i.test(raw)) return raw.toUpperCase();
  return null;
}

/** Any other word: fixed spellings, else an all-lower-case word capitalised, else as written. */
function word(raw: string): string {
  const fixed = WORDS.get(raw.toLowerCase());
  if (fixed) return fixed;
  return /^[a-z]+$/.test(raw) ? `${raw[0]!.toUpperCase()}${raw.slice(1)}` : raw;
}

// ---------------------------------------------------------------------------------------------
// Colour.

/** The ink of the light themes: text on the block tint must read against it. */
/** A model accent as the options take it: `#RRGGBB`. The one check of the plugin, the CLI and the layout. */
export const ACCENT_PATTERN = /^#[0-9a-fA-F]{6}$/;

export const INK = '#1F2328';
/** The gallery theme's container grey, which the accent (the "N ×" label, leaders) sits on. */
export const CONTAINER_GREY = '#D9D9D9';
/** The accent of an organisation nobody listed. */
export const NEUTRAL_ACCENT = '#57606A';

/**
 * One accent per organisation. Each is the organisation's brand hue, darkened where needed until
 * it reads as text on white (≥ 4.5:1) and as a mark on the gallery grey (≥ 3:1);
 * `test/title.test.ts` checks every one.
 */
export const ACCENTS: ReadonlyMap<string, string> = new Map(Object.entries({
  deepseek: '#3E5BEA', // DeepSeek blue
  qwen: '#615CED', // Qwen purple
  meta: '#0064E0', // Meta blue (Llama, OPT)
  google: '#188038', // Google green (Gemma)
  mistral: '#C2410C', // Mistral orange
  openai: '#0F766E', // OpenAI teal (gpt-oss, GPT-2)
  ai2: '#BE185D', // Ai2 pink (OLMo)
  microsoft: '#0067B8', // Microsoft blue (Phi)
  tii: '#9F1239', // TII crimson (Falcon)
  huggingface: '#A16207', // Hugging Face yellow, darkened (SmolLM)
  minimax: '#DC2626', // MiniMax red
  moonshot: '#1D4ED8', // Moonshot's Kimi blue, darkened
  ibm: '#0F62FE', // IBM Blue 60 (Granite)
  zai: '#3451B2', // Z.ai indigo (GLM)
  eleutherai: '#6D28D9', // EleutherAI violet (GPT-NeoX, Pythia)
  tencent: '#0052D9', // Tencent blue (Hunyuan, Hy)
  poolside: '#0E7490', // poolside cyan (Laguna)
  xiaomi: '#B34700', // Xiaomi orange, darkened (MiMo)
  stepfun: '#2563EB', // StepFun blue (Step)
  bytedance: '#1E40AF', // ByteDance blue, darkened (Ouro, Seed)
  nanbeige: '#047857', // Nanbeige green
  jetbrains: '#7E22CE', // JetBrains purple (Mellum)
  sarvam: '#B45309', // Sarvam saffron, darkened
  arcee: '#0369A1', // Arcee blue (Trinity)
  cohere: '#39594D', // Cohere green (Command, North)
  xai: '#18181B', // xAI black (Grok)
  meituan: '#8A6A00', // Meituan yellow, darkened to read on white (LongCat)
  thinking: '#334155', // Thinking Machines slate (Inkling)
  motif: '#0B6E4F', // Motif Technologies green
  liquid: '#1D4F91', // Liquid AI blue (LFM)
  ai21: '#A21CAF', // AI21 Labs magenta (Jamba)
  nvidia: '#4D7A00', // NVIDIA green, darkened to read on white (Nemotron)
  upstage: '#9333EA', // Upstage purple (Solar)
  nxai: '#0E6E8C', // NX-AI teal blue (xLSTM)
  inclusion: '#1B5E20', // inclusionAI green (Ling)
  zyphra: '#C2185B', // Zyphra magenta (ZAYA)
}));

/** Hub organisations, lower-case, and whose accent they take. */
const ORGS = new Map<string, string>(Object.entries({
  'deepseek-ai': 'deepseek',
  'meituan-longcat': 'meituan',
  thinkingmachines: 'thinking',
  'motif-technologies': 'motif',
  liquidai: 'liquid',
  ai21labs: 'ai21',
  nvidia: 'nvidia',
  upstage: 'upstage',
  'nx-ai': 'nxai',
  inclusionai: 'inclusion',
  zyphra: 'zyphra',
  tencent: 'tencent',
  poolside: 'poolside',
  xiaomimimo: 'xiaomi',
  'stepfun-ai': 'stepfun',
  bytedance: 'bytedance',
  nanbeige: 'nanbeige',
  jetbrains: 'jetbrains',
  sarvamai: 'sarvam',
  'arcee-ai': 'arcee',
  coherelabs: 'cohere',
  'xai-org': 'xai',
  qwen: 'qwen',
  'meta-llama': 'meta',
  'meta-models': 'meta',
  facebook: 'meta',
  google: 'google',
  mistralai: 'mistral',
  openai: 'openai',
  'openai-community': 'openai',
  allenai: 'ai2',
  microsoft: 'microsoft',
  tiiuae: 'tii',
  huggingfacetb: 'huggingface',
  minimaxai: 'minimax',
  moonshotai: 'moonshot',
  'ibm-granite': 'ibm',
  ibm: 'ibm',
  'zai-org': 'zai',
  thudm: 'zai',
  eleutherai: 'eleutherai',
}));

/** Whose architecture a model_type is, when the organisation is not known. */
const MODEL_TYPES = new Map<string, string>(Object.entries({
  deepseek_v2: 'deepseek', deepseek_v3: 'deepseek', deepseek_v32: 'deepseek', deepseek_v4: 'deepseek', deepseek_v41_text: 'deepseek',
  qwen2: 'qwen', qwen2_moe: 'qwen', qwen3: 'qwen', qwen3_moe: 'qwen', qwen3_next: 'qwen', qwen3_5_text: 'qwen', qwen3_5_moe_text: 'qwen', qwen4_exp_text: 'qwen',
  llama: 'meta', llama4_text: 'meta', opt: 'meta', muse_glimmer_text: 'meta',
  gemma: 'google', gemma2: 'google', gemma3_text: 'google', gemma4_unified_text: 'google', gemma4_text: 'google',
  mistral: 'mistral', mixtral: 'mistral', mistral4: 'mistral',
  gpt_oss: 'openai', gpt2: 'openai',
  olmo2: 'ai2', olmo3: 'ai2', olmoe: 'ai2',
  kimi_k2: 'moonshot',
  kimi_linear: 'moonshot',
  granite: 'ibm',
  glm4_moe_lite: 'zai',
  glm4_moe: 'zai',
  glm_moe_dsa: 'zai',
  glm5_next_text: 'zai',
  hy_v3: 'tencent',
  hy_v4: 'tencent',
  longcat_flash_ngram: 'meituan',
  inkling_text: 'thinking',
  motif: 'motif',
  lfm2: 'liquid',
  lfm2_moe: 'liquid',
  jamba: 'ai21',
  nemotron_h: 'nvidia',
  solar_open2: 'upstage',
  xlstm: 'nxai',
  bailing_hybrid: 'inclusion',
  zaya: 'zyphra',
  laguna: 'poolside',
  mimo_v2: 'xiaomi',
  mimo_v2_flash: 'xiaomi',
  step3p5: 'stepfun',
  ouro: 'bytedance',
  nanbeige: 'nanbeige',
  mellum: 'jetbrains',
  sarvam_moe: 'sarvam',
  sarvam_mla: 'sarvam',
  afmoe: 'arcee',
  cohere2: 'cohere',
  cohere2_moe: 'cohere',
  grok: 'xai',
  gpt_neox: 'eleutherai',
  phi3: 'microsoft',
  falcon: 'tii', RefinedWeb: 'tii', RefinedWebModel: 'tii',
  smollm3: 'huggingface',
  minimax_m2: 'minimax',
  minimax_m3: 'minimax',
  minimax_text_01: 'minimax',
  minimax: 'minimax',
}));

/**
 * The organisation a model comes from, lower-case, or null: the `org` of a Hub source
 * `org/name[@revision]`, else of a file named `org__name.json` (the corpus naming).
 */
export function sourceOrg(model: ArchJson['model']): string | null {
  const hub = model.commit !== null || model.revision !== null;
  if (hub) {
    const m = /^([A-Za-z0-9][\w.-]*)\//.exec(model.source);
    return m ? m[1]!.toLowerCase() : null;
  }
  const file = model.source.split(/[\\/]/).pop() ?? '';
  const m = /^([A-Za-z0-9][\w.-]*?)__/.exec(file);
  return m ? m[1]!.toLowerCase() : null;
}

/** The organisation key of {@link ACCENTS} for a model, or null for none listed. */
export function accentKey(arch: ArchJson): string | null {
  const org = sourceOrg(arch.model);
  return (org !== null ? ORGS.get(org) : undefined) ?? MODEL_TYPES.get(arch.model.model_type) ?? null;
}

/**
 * The accent colour `#RRGGBB` of a model: its organisation's (from the Hub source, or a corpus
 * file name), else that of its model_type's family, else a neutral grey. Every accent reads on
 * white (≥ 4.5:1) and on the gallery grey #D9D9D9 (≥ 3:1).
 */
export function modelAccent(arch: ArchJson): string {
  const key = accentKey(arch);
  return (key !== null ? ACCENTS.get(key) : undefined) ?? NEUTRAL_ACCENT;
}

/**
 * The tint behind the repeated block: `amount` of the accent mixed into white (0: white, 1: the
 * accent), lowered in steps of 0.01 until `ink` (default #1F2328) on it keeps 4.5:1; pass the
 * muted grey to keep captions readable too. Written as given: `#RRGGBB` for `#RRGGBB`, `RRGGBB`
 * for `RRGGBB`.
 */
export function accentTint(hex: string, amount: number, ink: string = INK): string {
  return readableTint(hex, ink, amount);
}

/**
 * The tint of `hex` with the most accent, at most `amount` (mixed into white), that has `ratio`
 * of contrast with `other`: a background under ink (see {@link accentTint}), or a light accent
 * for key words on a dark box (`readableTint(accent, '#595959')`). Steps of 0.01; white itself
 * when nothing lighter reaches the ratio. Written as given, with or without `#`.
 */
export function readableTint(hex: string, other: string, amount = 1, ratio = 4.5): string {
  const rgb = parseHex(hex);
  let step = Math.round(Math.min(1, Math.max(0, amount)) * 100);
  while (step > 0 && contrastRatio(toHex(mixWithWhite(rgb, step / 100)), other) < ratio) step--;
  const out = toHex(mixWithWhite(rgb, step / 100));
  return hex.startsWith('#') ? out : out.slice(1);
}
