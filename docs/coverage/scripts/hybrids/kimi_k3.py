"""Kimi K3 text decoder (kimi_linear inside kimi_k3) and Kimi-Linear-48B: counts from the tensor listings.

Every term is a tensor in gogongxt/python scripts/models/kimi_k3.md (or kimi_linear_48b_a3b_instruct.md).
linear_attn_config.kda_layers / full_attn_layers are 1-based; MLA layers are the full_attn_layers.
MXFP4 experts are counted unpacked (2 values per stored byte), uint8 scales excluded. Run: python3 kimi_k3.py
"""
import json

CORPUS = '/work/shared/corpus/'


def kda(t, a_log_len=None):
    d, la = t['hidden_size'], t['linear_attn_config']
    H, hd, K = la['num_heads'], la['head_dim'], la['short_conv_kernel_size']
    P = H * hd
    n = 3 * d * P + 3 * P * K                    # q/k/v_proj [P, d]; q/k/v_conv1d [P, 1, K], no bias
    n += d * hd + hd * P                         # f_a_proj [hd, d], f_b_proj [P, hd]: low rank in both models
    if not la.get('use_full_rank_gate'):
        n += d * hd + hd * P                     # g_a_proj, g_b_proj (K3 instead has g_proj, counted in common())
    n += d * H + P + hd                          # b_proj [H, d], dt_bias [P], o_norm [hd]
    n += a_log_len if a_log_len is not None else H  # A_log: [1,1,H,1] in 48B; K3 ships [128] for 96 heads
    return n


def mla(t):
    d, H = t['hidden_size'], t['num_attention_heads']
    nope, rope, vh, r = t['qk_nope_head_dim'], t['qk_rope_head_dim'], t['v_head_dim'], t['kv_lora_rank']
    qr = t.get('q_lora_rank')
    q = (d * qr + qr + qr * H * (nope + rope)) if qr else d * H * (nope + rope)  # q_a_proj, q_a_layernorm, q_b_proj
    kv = d * (r + rope) + r + r * H * (nope + vh)  # kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj
    return q + kv


def common(t):
    """Per layer, both mixers: norms, o_proj [d, H*vh] (= [d, P]), K3 extras."""
    d = t['hidden_size']
    out = t['num_attention_heads'] * t['v_head_dim']
    n = 2 * d + out * d                          # input/post_attention_layernorm, o_proj
    if t.get('attn_res_block_size'):             # K3 "attention residuals": *_res_norm [d], *_res_proj [1, d]
        n += 4 * d
    if t.get('mla_use_output_gate'):             # K3: self_attn.g_proj [P, d] in all 93 layers
        n += d * out
    return n


def moe(t):
    d, E = t['hidden_size'], t['num_experts']
    lat = t.get('routed_expert_hidden_size') or d
    n = E * d + E                                # gate.weight, gate.e_score_correction_bias
    n += E * 3 * lat * t['moe_intermediate_size']  # experts w1/w3 [m, lat], w2 [lat, m]
    if lat != d:                                 # routed_expert_up_proj [d, lat], down_proj [lat, d], norm [lat]
        n += 2 * d * lat + (lat if t.get('latent_moe_use_norm') else 0)
    n += 3 * d * t['moe_intermediate_size'] * t['num_shared_experts']
    return n


def text(t, a_log_len=None):
    d, V, L = t['hidden_size'], t['vocab_size'], t['num_hidden_layers']
    full = {i - 1 for i in t['linear_attn_config']['full_attn_layers']}
    n = V * d * (1 if t.get('tie_word_embeddings') else 2) + d
    if t.get('attn_res_block_size'):
        n += 2 * d                               # output_attn_res_norm [d], output_attn_res_proj [1, d]
    for i in range(L):
        n += common(t) + (mla(t) if i in full else kda(t, a_log_len))
        n += moe(t) if i >= t['first_k_dense_replace'] else 3 * d * t['intermediate_size']
    return n


ck = json.load(open(CORPUS + 'checkpoints.json'))
t = json.load(open(CORPUS + 'configs/moonshotai__Kimi-K3.json'))['text_config']
for alog in (128, None):
    n = text(t, alog)
    tgt = 2_779_484_478_208
    print(f'Kimi-K3 text (A_log {alog or "num_heads"}): {n:,} target {tgt:,} {"exact" if n == tgt else "DIFF " + str(tgt - n)}')
print(f'  per layer: kda {kda(t, 128):,} mla {mla(t):,} common {common(t):,} moe {moe(t):,}')
vision = 401_214_464 + 46_144_512
print(f'  + vision + projector = {text(t, 128) + vision:,} target {ck["moonshotai__Kimi-K3.json"]["checkpoint_params"]:,}')

k48 = {'hidden_size': 2304, 'vocab_size': 163840, 'num_hidden_layers': 27, 'num_attention_heads': 32,
       'qk_nope_head_dim': 128, 'qk_rope_head_dim': 64, 'v_head_dim': 128, 'kv_lora_rank': 512, 'q_lora_rank': None,
       'first_k_dense_replace': 1, 'intermediate_size': 9216, 'num_experts': 256, 'moe_intermediate_size': 1024,
       'num_shared_experts': 1, 'tie_word_embeddings': False,
       'linear_attn_config': {'full_attn_layers': [4, 8, 12, 16, 20, 24, 27], 'head_dim': 128, 'num_heads': 32,
                              'short_conv_kernel_size': 4}}  # the listing's config, abridged
n = text(k48)
print(f'Kimi-Linear-48B-A3B: {n:,} listing 49,122,681,728 {"exact" if n == 49_122_681_728 else "DIFF " + str(49_122_681_728 - n)}')
