/**
 * Config fields that never change the set of learned tensors or their shapes: token ids,
 * dropout, initialisation, numerical epsilons, rotary frequencies, runtime and training
 * switches, bookkeeping written by `transformers`. A field not listed here and not read by the
 * model's description is reported as not understood.
 */
const INERT = new Set<string>([
  // bookkeeping
  '_name_or_path', 'architectures', 'auto_map', 'transformers_version', 'torch_dtype', 'dtype',
  'model_type', 'is_decoder', 'is_encoder_decoder', 'return_dict', 'output_attentions',
  'output_hidden_states', 'torchscript', 'use_return_dict', 'chunk_size_feed_forward',
  'problem_type', 'id2label', 'label2id', 'task_specific_params', 'prefix', 'finetuning_task',
  'tokenizer_class', 'custom_pipelines', 'base_model_tp_plan', 'base_model_pp_plan',
  '_attn_implementation', '_attn_implementation_autoset', 'attn_implementation',
  'quantization_config', 'pretraining_tp', 'tp_plan', 'ep_size', 'keys_to_ignore_at_inference',
  'cache_implementation', 'use_cache', 'gradient_checkpointing', 'unsloth_version', 'model_name',
  // token ids and generation
  'bos_token_id', 'eos_token_id', 'pad_token_id', 'sep_token_id', 'decoder_start_token_id',
  'max_length', 'min_length', 'do_sample', 'temperature', 'top_k', 'top_p', 'num_beams',
  'repetition_penalty', 'forced_bos_token_id', 'forced_eos_token_id',
  // generation defaults and legacy switches that PretrainedConfig serializes into every config
  // it writes (a nested text_config carries them all)
  'bad_words_ids', 'begin_suppress_tokens', 'diversity_penalty', 'early_stopping', 'encoder_no_repeat_ngram_size',
  'exponential_decay_length_penalty', 'length_penalty', 'no_repeat_ngram_size', 'num_beam_groups',
  'num_return_sequences', 'output_scores', 'remove_invalid_values', 'return_dict_in_generate',
  'suppress_tokens', 'tf_legacy_loss', 'tie_encoder_decoder', 'typical_p', 'use_bfloat16',
  // dropout and initialisation
  'attention_dropout', 'hidden_dropout', 'dropout', 'activation_dropout', 'attn_pdrop',
  'embd_pdrop', 'resid_pdrop', 'summary_first_dropout', 'layerdrop', 'initializer_range',
  'init_std', 'embedding_dropout', 'ffn_dropout', 'classifier_dropout', 'router_jitter_noise',
  'initializer_factor', 'init_method',
  // numerics
  'rms_norm_eps', 'layer_norm_epsilon', 'layer_norm_eps', 'norm_eps', 'hc_eps',
  'attn_logit_softcapping', 'final_logit_softcapping', 'query_pre_attn_scalar', 'swiglu_limit',
  'logits_scaling', 'embedding_multiplier', 'attention_multiplier', 'residual_multiplier',
  'clip_qkv',
  // rotary frequencies and context length (no parameters)
  'rope_theta', 'rope_scaling', 'rope_parameters', 'rope_local_base_freq', 'compress_rope_theta',
  'original_max_position_embeddings', 'initial_context_length', 'rope_interleave',
  'max_position_embeddings', 'n_ctx',
  // router behaviour (no parameters)
  'output_router_logits', 'router_aux_loss_coef', 'aux_loss_alpha', 'seq_aux', 'norm_topk_prob',
  'routed_scaling_factor', 'scoring_func', 'n_group', 'topk_group', 'router_z_loss_coef',
  'hc_sinkhorn_iters', 'index_topk',
  // attention runtime
  'attn_temperature_tuning', 'floor_scale', 'attn_scale', 'for_llm_compressor', 'use_grouped_mm',
  'use_sliding_window_for_all', 'attention_chunk_size', 'use_mrope', 'mrope_section',
  // GPT-2 sequence-classification head settings (not part of the LM)
  'summary_type', 'summary_use_proj', 'summary_activation', 'summary_proj_to_labels',
  'scale_attn_weights', 'scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn',
]);

/**
 * Fields inert only at the value PretrainedConfig writes by default: cross-attention would add
 * tensors, pruned heads remove some.
 */
const INERT_AT_DEFAULT = new Map<string, (value: unknown) => boolean>([
  ['add_cross_attention', (v) => v === false || v === null],
  ['cross_attention_hidden_size', (v) => v === null],
  ['pruned_heads', (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0],
]);

/** Whether a config field is known to have no effect on parameters or structure (at this value). */
export function isInertField(field: string, value?: unknown): boolean {
  return INERT.has(field) || (INERT_AT_DEFAULT.get(field)?.(value) ?? false);
}
