/**
 * `source → arch → params`: from a path or Hub repo id to a validated `arch.json`.
 */
import { basename, dirname } from 'node:path';
import { describeConfig, type DescribeOptions } from './arch/describe.js';
import type { ArchDescription } from './arch/types.js';
import { countParams, ImplausibleCountError } from './params/count.js';
import type { ParamReport } from './params/types.js';
import { archJsonSchema, SCHEMA_VERSION, type ArchJson } from './schema/arch-json.js';
import { HfArchError } from './errors.js';
import { checkpointOfSource } from './checkpoint/read.js';
import { archFromCheckpoint } from './checkpoint/structure.js';
import { packingOf } from './checkpoint/packing.js';
import { locateJsonPath } from './json-text.js';
import { loadConfig, type SourceOptions } from './source/load.js';
import type { LoadedConfig } from './source/types.js';

/** Options of {@link extract}: where the config comes from, and how strictly it is read. */
export interface ExtractOptions extends SourceOptions, DescribeOptions {
  /**
   * Read the structure and every count from the checkpoint's safetensors headers (a local folder
   * with its config.json, or the Hub repo at the config's commit) instead of describing the
   * config: for a `model_type` this tool does not know. `arch.json` then says
   * `model.structure: "tensor-names"`, and so does the figure.
   */
  fromCheckpoint?: boolean;
}

/** What {@link extract} returns. */
export interface ExtractResult {
  /** The validated `arch.json` content. */
  arch: ArchJson;
  /** Warnings for the user (e.g. the cache was used because the Hub was unreachable). */
  warnings: string[];
}

/** Loads a config and describes it: the whole of `hf-arch extract`. */
export async function extract(source: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const loaded = await loadConfig(source, options);
  if (options.fromCheckpoint) {
    const checkpoint = await checkpointOfSource(source, loaded, options);
    const arch = archFromCheckpoint({
      checkpoint,
      packing: packingOf(loaded.config),
      config: loaded.config,
      display: loaded.display,
      model: { source: loaded.source, name: displayName(loaded), revision: loaded.revision, commit: loaded.commit, config_sha256: loaded.sha256 },
    });
    return { arch, warnings: loaded.warnings };
  }
  return { arch: archFromConfig(loaded, options), warnings: loaded.warnings };
}

/** Describes an already loaded config. */
export function archFromConfig(loaded: LoadedConfig, options: DescribeOptions = {}): ArchJson {
  const arch = describeConfig(loaded.config, { file: loaded.display, text: loaded.text }, options);
  const report = countOrExplain(arch, loaded);
  const json: ArchJson = {
    schema_version: SCHEMA_VERSION,
    model: {
      source: loaded.source,
      name: displayName(loaded),
      revision: loaded.revision,
      commit: loaded.commit,
      model_type: arch.model_type,
      architectures: arch.architectures,
      config_sha256: loaded.sha256,
      text_config_path: arch.text_config_path,
    },
    family: arch.family,
    flags: arch.flags,
    dims: arch.dims,
    ...(arch.geometries ? { geometries: arch.geometries } : {}),
    ...(arch.loops ? { loops: arch.loops } : {}),
    ...(arch.latent_moe ? { latent_moe: arch.latent_moe } : {}),
    max_position_embeddings: arch.max_position_embeddings,
    final_norm: arch.final_norm,
    activation: arch.activation,
    biases: arch.biases,
    layers: arch.layers,
    mtp_layers: arch.mtp_layers,
    units: report.units,
    non_learned: report.non_learned,
    stored_copies: report.stored_copies,
    towers: report.towers,
    stored_mtp: report.stored_mtp,
    totals: report.totals,
    notes: arch.notes,
  };
  return archJsonSchema.parse(json);
}

/** Counts, turning an implausible count (absurd sizes) into an input error at the largest size. */
function countOrExplain(arch: ArchDescription, loaded: LoadedConfig): ParamReport {
  try {
    return countParams(arch);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const field = error instanceof ImplausibleCountError ? error.field : null;
    throw new HfArchError('config-invalid-field', `the sizes in this config give ${error.message}${field ? `; the largest is "${field}"` : ''}`, {
      location: field ? { file: loaded.display, field, ...locateJsonPath(loaded.text, field) } : { file: loaded.display },
      hint: 'No real model is this large: check the sizes for a typo.',
      cause: error,
    });
  }
}

/**
 * A short model name for titles: the Hub repo's name, else the folder of a `config.json`, else
 * the file name without `org__` and suffixes (`deepseek-ai__DeepSeek-V3.json` → `DeepSeek-V3`).
 * `_name_or_path` is not used: it often names a training directory (`allenai/open_instruct_dev`).
 */
function displayName(loaded: LoadedConfig): string {
  if (loaded.repo) return loaded.repo.split('/').pop()!;
  const file = basename(loaded.path ?? loaded.source);
  if (file === 'config.json') return basename(dirname(loaded.path ?? loaded.source));
  return file.replace(/\.json$/, '').replace(/^.*__/, '').replace(/\.[a-z-]+$/, '');
}
