/**
 * remark-hf-arch: architecture figures of HuggingFace decoder-only LLMs with exact parameter
 * counts. This entry exposes the pipeline: extraction (`source → arch → params`) and figures
 * (`figure → tex → cache`).
 */
export { extract, archFromConfig, type ExtractOptions, type ExtractResult } from './extract.js';
export { loadConfig, type SourceOptions } from './source/load.js';
export type { LoadedConfig } from './source/types.js';
export type { HubOptions } from './source/hub-settings.js';
export { describeConfig, SUPPORTED_MODEL_TYPES, type DescribeOptions } from './arch/describe.js';
export type { ArchDescription, Biases, Dim, Family, Flags, LayerSpec } from './arch/types.js';
export { countParams } from './params/count.js';
export type { NonLearned, ParamReport, Totals, Unit, UnitFamily } from './params/types.js';
export { add, mul, num, sym, evaluate, toTexSymbolic, toTexConcrete, toText, type Expr } from './params/expr.js';
export { archJsonSchema, archJsonSchemaDocument, SCHEMA_VERSION, type ArchJson } from './schema/arch-json.js';
export { HfArchError, isHfArchError, printable, type ErrorCode, type ErrorLocation } from './errors.js';
export { MAX_CONFIG_BYTES, MAX_TEMPLATE_BYTES } from './read-limited.js';
export { buildFigure, renderDocument, type BuildOptions, type BuildResult } from './build.js';
export { layoutFigure, type FigureOptions } from './figure/layout.js';
export { sceneProblems, type Scene, type Item } from './figure/scene.js';
export { compileTex, type CompileOptions, type CompileResult, type Format, type Engine } from './tex/compile.js';
export { THEMES, type ThemeName } from './tex/template.js';
export { default, type Options } from './plugin/index.js';
export { altText } from './figure/alt.js';
