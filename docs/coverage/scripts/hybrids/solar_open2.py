"""Solar-Open2 (solar_open2): the whole-checkpoint count of the corpus config, to the unit.

Hybrid of gated GQA (layers in gqa_layers) and Kimi Delta Attention (all other layers); every layer
has a 320-expert MoE (first_k_dense_replace = 0) with one shared expert. Each block is
input_layernorm -> mixer -> residual -> post_attention_layernorm -> MoE -> residual.
Sources: transformers models/solar_open2 (SolarOpen2LinearAttention, SolarOpen2Attention on
Glm4MoeAttention, SolarOpenMoE) and vLLM models/solar_open2.py. Run: python3 solar_open2.py
"""
import json

CORPUS = '/work/shared/corpus/'


def kda(c):
    """SolarOpen2LinearAttention: the Kimi Delta Attention layer; no bias anywhere."""
    d, la = c['hidden_size'], c['linear_attn_config']
    H, hd, K = la['num_heads'], la['head_dim'], la['short_conv_kernel_size']
    Hkv = la.get('num_kv_heads') or H
    P, Pkv = H * hd, Hkv * hd
    qkv = d * P + 2 * d * Pkv                    # q_proj [P, d], k_proj / v_proj [Pkv, d]
    conv = (P + 2 * Pkv) * K                     # q/k/v_conv1d [C, 1, K] depthwise, bias=False
    if c.get('kda_use_full_proj', False):
        gates = 2 * d * P                        # f_proj, g_proj [P, d]
    else:
        gates = 2 * (d * hd + hd * P)            # f_a_proj [hd, d], f_b_proj [P, hd]; g_a_proj, g_b_proj alike
    beta = d * H                                 # b_proj [H, d] (kda_allow_neg_eigval only scales it by 2)
    decay = P + H                                # dt_bias [P], A_log [1, 1, H, 1]
    o_norm = hd                                  # SolarOpen2RMSNormGated(head_dim), shared by all heads
    o_proj = P * d
    return qkv + conv + gates + beta + decay + o_norm + o_proj


def gqa(c):
    """SolarOpen2Attention: NoPE (use_rope false, no parameters either way), sigmoid output gate."""
    d, H, Hkv, hd = c['hidden_size'], c['num_attention_heads'], c['num_key_value_heads'], c['head_dim']
    bias = c.get('attention_bias', False)
    n = d * H * hd + 2 * d * Hkv * hd + H * hd * d + ((H + 2 * Hkv) * hd if bias else 0)
    if c.get('use_qk_norm', False):
        n += 2 * hd                              # q_norm, k_norm [hd]
    if c.get('use_gqa_gate', True):
        n += d * H * hd + (H * hd if c.get('use_gqa_gate_bias', False) else 0)  # g_proj [H*hd, d]
    return n


def mlp(d, inner):
    return 3 * d * inner                         # gate_proj, up_proj, down_proj (SwiGLU)


def moe(c):
    d, E = c['hidden_size'], c['n_routed_experts']
    router = E * d + E                           # gate.weight, gate.e_score_correction_bias [E] (the F32 bucket)
    experts = E * mlp(d, c['moe_intermediate_size'])
    shared = mlp(d, c['moe_intermediate_size'] * c['n_shared_experts']) if c.get('n_shared_experts') else 0
    return router + experts + shared


def is_gqa(c, i):
    if c.get('layer_types'):
        return c['layer_types'][i] == 'full_attention'
    if c.get('gqa_layers') is not None:
        return i in c['gqa_layers']
    return i % (c.get('gqa_interval', 3) + 1) == 0  # transformers' fallback (vLLM's differs; unused here)


def count(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    n = V * d * (1 if c.get('tie_word_embeddings') else 2) + d  # embed_tokens, lm_head, final norm
    for i in range(L):
        n += 2 * d  # input_layernorm, post_attention_layernorm
        n += gqa(c) if is_gqa(c, i) else kda(c)
        n += moe(c) if i >= c.get('first_k_dense_replace', 0) else mlp(d, c['intermediate_size'])
    return n


ck = json.load(open(CORPUS + 'checkpoints.json'))
name = 'upstage__Solar-Open2-250B.json'
c = json.load(open(CORPUS + 'configs/' + name))
whole = count(c)
target = ck[name]['checkpoint_params']
ng = sum(is_gqa(c, i) for i in range(c['num_hidden_layers']))
print(f'per layer: gqa {gqa(c):,} kda {kda(c):,} moe {moe(c):,}; {ng} GQA + {c["num_hidden_layers"] - ng} KDA layers')
print(f'{name}: whole {whole:,} target {target:,} {"exact" if whole == target else "DIFF " + str(target - whole)}')
