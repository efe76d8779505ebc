"""Ling 2.5 1T (bailing_hybrid, BailingMoeV2_5ForCausalLM): the whole-checkpoint count, to the unit.

Hybrid of MLA (DeepSeek-V2/V3 style) and Lightning-style linear attention (Simple GLA with fixed
ALiBi decay slopes, no learned decay). Layer i is MLA when (i + 1) % layer_group_size == 0 or
i >= num_hidden_layers // layer_group_size * layer_group_size (the tail); all other layers are
linear. Ling-2.5-1T: 10 MLA layers (7, 15, ..., 79) and 70 linear layers. Each block is
input_layernorm -> attention -> residual -> post_attention_layernorm -> MLP/MoE -> residual; the
first first_k_dense_replace layers use a dense SwiGLU of intermediate_size.
Sources: vLLM models/bailing_moe_v2_5.py (is_mla_layer, BailingMoeV2_5LinearAttention,
BailingMoeV2_5GroupRMSNorm, load_weights: checkpoint name `attention.dense` is renamed `o_proj` for
MLA), the transformers port modeling_bailing2_5_moe (BailingMoeV2_5LightningAttention, MoE on
DeepseekV3MoE), and the Hub's dtype split BF16 1,012,231,140,864 + F32 19,456 (= 76 MoE layers x
256 fp32 router expert biases). Run: python3 bailing_hybrid.py
"""
import json

CORPUS = '/work/shared/corpus/'


def linear_attn(c):
    """BailingMoeV2_5LinearAttention; bias on qkv only if use_bias or use_qkv_bias, on dense if use_bias."""
    d, H, hd = c['hidden_size'], c['num_attention_heads'], c['head_dim']
    Hkv = c.get('num_kv_heads_for_linear_attn') or c['num_key_value_heads']
    P, Pkv = H * hd, Hkv * hd
    qkv_bias = c.get('use_bias', False) or c.get('use_qkv_bias', False)
    n = d * (P + 2 * Pkv) + ((P + 2 * Pkv) if qkv_bias else 0)  # query_key_value [P + 2*Pkv, d] (fused)
    if c.get('use_qk_norm', False):
        n += 2 * hd                              # query_layernorm, key_layernorm [hd], shared by heads
    n += d * P                                   # g_proj [P, d], bias=False (output gate; sigmoid, SiLU if linear_silu)
    n += P                                       # g_norm: GroupRMSNorm weight [P] (group_norm_size groups; no extra params)
    n += P * d + (d if c.get('use_bias', False) else 0)  # dense [d, P]
    return n                                     # slope is a non-persistent buffer, not stored


def mla(c):
    """DeepseekV2MLAAttention: q_a/q_b LoRA, latent kv; use_qk_norm adds nothing beyond the two a-norms."""
    d, H = c['hidden_size'], c['num_attention_heads']
    qk = c['qk_nope_head_dim'] + c['qk_rope_head_dim']
    r_kv, v = c['kv_lora_rank'], c['v_head_dim']
    if c.get('q_lora_rank'):
        r_q = c['q_lora_rank']
        q = d * r_q + r_q + r_q * H * qk         # q_a_proj [r_q, d], q_a_layernorm [r_q], q_b_proj [H*qk, r_q]
    else:
        q = d * H * qk                           # q_proj [H*qk, d]
    kv = d * (r_kv + c['qk_rope_head_dim']) + r_kv + r_kv * H * (c['qk_nope_head_dim'] + v)
    # kv_a_proj_with_mqa [r_kv + rope, d], kv_a_layernorm [r_kv], kv_b_proj [H*(nope+v), r_kv]
    o = H * v * d                                # dense (o_proj) [d, H*v]
    return q + kv + o


def mlp(d, inner):
    return 3 * d * inner                         # gate_proj, up_proj, down_proj (SwiGLU)


def moe(c):
    d, E = c['hidden_size'], c['num_experts']
    router = E * d + (E if c.get('moe_router_enable_expert_bias', False) else 0)  # gate.weight, gate.expert_bias [E] (F32)
    experts = E * mlp(d, c['moe_intermediate_size'])
    shared = mlp(d, c['moe_shared_expert_intermediate_size'] * c['num_shared_experts']) if c.get('num_shared_experts') else 0
    return router + experts + shared


def is_mla(c, i):
    g, L = c['layer_group_size'], c['num_hidden_layers']
    return (i + 1) % g == 0 or i >= L // g * g


def count(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    n = V * d * (1 if c.get('tie_word_embeddings') else 2) + d  # word_embeddings, lm_head, final norm
    for i in range(L):
        n += 2 * d  # input_layernorm, post_attention_layernorm
        n += mla(c) if is_mla(c, i) else linear_attn(c)
        n += moe(c) if i >= c.get('first_k_dense_replace', 0) else mlp(d, c['intermediate_size'])
    assert not c.get('num_nextn_predict_layers'), 'MTP layers not modelled here'
    return n


ck = json.load(open(CORPUS + 'checkpoints.json'))
name = 'inclusionAI__Ling-2.5-1T.json'
c = json.load(open(CORPUS + 'configs/' + name))
whole = count(c)
target = ck[name]['checkpoint_params']
L = c['num_hidden_layers']
nm = sum(is_mla(c, i) for i in range(L))
nmoe = L - c['first_k_dense_replace']
print(f'per layer: mla {mla(c):,} linear {linear_attn(c):,} moe {moe(c):,} dense {mlp(c["hidden_size"], c["intermediate_size"]):,}; '
      f'{nm} MLA + {L - nm} linear layers')
print(f'fp32 router biases: {nmoe * c["num_experts"]:,} (Hub F32 bucket 19,456)')
print(f'{name}: whole {whole:,} target {target:,} {"exact" if whole == target else "DIFF " + str(target - whole)}')
