"""ZAYA1-8B (zaya): the whole-checkpoint count of the corpus config.

Every layer ("hybrid") is input_layernorm -> CCA attention -> post_attention_residual_scale merge ->
post_attention_layernorm -> top-1 MoE with an MLP router (16 experts + 1 "skip" class) ->
post_mlp_residual_scale merge. The model also scales/biases the embeddings before layer 0.
Sources: transformers models/zaya/modeling_zaya.py (ZayaCCAProjection, ZayaQKNorm, ZayaAttention,
ZayaResidualScaling, ZayaRouterMLP, ZayaRouter, ZayaExperts, ZayaModel, ZayaForCausalLM) and
vLLM models/zaya.py. Run: python3 zaya.py

Hub figures disagree: 'total' 8,840,488,784 and parameters.BF16 8,840,489,464 (680 more).
The nn.Parameters add up to 'total'. The 680 is 40 layers x mlp.gate.balancing_biases [E+1 = 17].
That tensor is a register_buffer, so it is stored in the checkpoint without being an nn.Parameter.
So BF16 is the count of the stored tensors.
"""
import json

CORPUS = '/work/shared/corpus/'


def cca_attention(c):
    """ZayaAttention: o_proj + ZayaCCAProjection (qkv_proj) + ZayaQKNorm."""
    d, H, Hkv, hd = c['hidden_size'], c['num_attention_heads'], c['num_key_value_heads'], c['head_dim']
    b = c.get('attention_bias', False)
    Q, KV = H * hd, Hkv * hd
    n = d * Q + (Q if b else 0)                  # q_proj [H*hd, d]
    n += d * KV + (KV if b else 0)               # k_proj [Hkv*hd, d]
    n += 2 * (d * (KV // 2) + (KV // 2 if b else 0))  # v_proj_current, v_proj_delayed [Hkv*hd/2, d]
    C = Q + KV                                   # conv channels (q and k concatenated)
    n += C * 1 * c['cca_time0'] + C              # conv_qk_depthwise: nn.Conv1d groups=C, weight [C,1,k0], bias [C] (default bias)
    G = H + Hkv
    n += C * (C // G) * c['cca_time1'] + C       # conv_qk_grouped: groups=H+Hkv, weight [C, C/G, k1], bias [C]
    n += Hkv                                     # qk_norm.temp [Hkv] (L2 q/k norm has no weight)
    n += Q * d + (d if b else 0)                 # o_proj [d, H*hd]
    return n


def router(c, i):
    """ZayaRouter (mlp.gate): down_proj d->r, EDA scale (not layer 0), ZayaRouterMLP on r."""
    d, r, E1 = c['hidden_size'], c['router_hidden_size'], c['num_experts'] + 1
    n = d * r + r                                # down_proj [r, d] + bias
    if i != 0:
        n += r                                   # router_states_scale [r] (use_eda = layer_idx != 0)
    n += r                                       # router_mlp.norm (RMSNorm [r])
    n += 2 * (r * r + r)                         # router_mlp.fc1, fc2 [r, r] + bias
    n += r * E1                                  # router_mlp.out_proj [E+1, r], bias=False
    return n


def balancing_buffer(c):
    return c['num_experts'] + 1                  # register_buffer balancing_biases [E+1] (persistent, not a Parameter)


def experts(c):
    d, E, f = c['hidden_size'], c['num_experts'], c['moe_intermediate_size']
    return E * 2 * f * d + E * d * f             # gate_up_proj [E, 2f, d], down_proj [E, d, f]


def count(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    n = V * d                                    # embed_tokens
    if not c.get('tie_word_embeddings'):
        n += V * d                               # lm_head.weight (tied here)
    if c.get('lm_head_bias'):
        n += V                                   # lm_head.bias
    n += d                                       # model.norm
    n += 2 * d                                   # input_hidden_states_scale, input_hidden_states_bias
    for i in range(L):
        n += 2 * d                               # input_layernorm, post_attention_layernorm
        n += 2 * 4 * d                           # post_attention_/post_mlp_residual_scale: 4 vectors [d] each
        n += cca_attention(c) + router(c, i) + experts(c)
    return n


ck = json.load(open(CORPUS + 'checkpoints.json'))
name = 'Zyphra__ZAYA1-8B.json'
c = json.load(open(CORPUS + 'configs/' + name))
params = count(c)
stored = params + c['num_hidden_layers'] * balancing_buffer(c)
hub_total, hub_bf16 = ck[name]['hub_total'], 8840489464
print(f'per layer: cca {cca_attention(c):,} router {router(c, 1):,} (+{balancing_buffer(c)} buffer) experts {experts(c):,}')
print(f'parameters     {params:,}  vs Hub total {hub_total:,}: {"exact" if params == hub_total else "DIFF " + str(hub_total - params)}')
print(f'stored tensors {stored:,}  vs Hub BF16  {hub_bf16:,}: {"exact" if stored == hub_bf16 else "DIFF " + str(hub_bf16 - stored)}')
