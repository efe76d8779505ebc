"""Nemotron-H (nemotron_h): the whole-checkpoint count of both corpus configs, to the unit.

One mixer per block, picked by hybrid_override_pattern: M Mamba-2, * attention, - MLP, E MoE;
each block is RMSNorm -> mixer -> residual. Run: python3 nemotron_h.py
"""
import json

CORPUS = '/work/shared/corpus/'


def mamba2(c):
    d = c['hidden_size']
    nh, hd, G, N, K = c['mamba_num_heads'], c['mamba_head_dim'], c['n_groups'], c['ssm_state_size'], c['conv_kernel']
    din = nh * hd  # not expand * d: Nano 96 x 80 = 7680, expand * d = 6272
    conv = din + 2 * G * N
    bias = c.get('use_bias', False)
    in_proj = d * (2 * din + 2 * G * N + nh) + (2 * din + 2 * G * N + nh if bias else 0)  # z, x, B, C, dt
    conv1d = conv * K + (conv if c.get('use_conv_bias', True) else 0)
    heads = 3 * nh  # dt_bias, A_log, D
    norm = din  # MambaRMSNormGated over d_in, n_groups groups
    out_proj = din * d + (d if bias else 0)
    return in_proj + conv1d + heads + norm + out_proj


def attention(c):  # no q/k norm, no positional encoding (NemotronHAttention)
    d, H, Hkv, dh = c['hidden_size'], c['num_attention_heads'], c['num_key_value_heads'], c['head_dim']
    assert not c.get('attention_bias')
    return d * H * dh + 2 * d * Hkv * dh + H * dh * d


def mlp(c, width, inner=None):  # up_proj, down_proj, relu2: not gated
    return 2 * (inner or c['hidden_size']) * width


def moe(c):
    d, E = c['hidden_size'], c['n_routed_experts']
    lat = c.get('moe_latent_size')
    router = E * d + E  # gate.weight and e_score_correction_bias (F32)
    experts = E * mlp(c, c['moe_intermediate_size'], lat)  # in the latent space when moe_latent_size
    shared = c['n_shared_experts'] * mlp(c, c['moe_shared_expert_intermediate_size'])  # on the full d
    latent = 2 * d * lat if lat else 0  # fc1_latent_proj [lat, d], fc2_latent_proj [d, lat]
    return router + experts + shared + latent


def block(c, kind):
    return c['hidden_size'] + {'M': mamba2, '*': attention, '-': lambda c: mlp(c, c['intermediate_size']), 'E': moe}[kind](c)


def count(c):
    d, V = c['hidden_size'], c['vocab_size']
    main = V * d * (1 if c.get('tie_word_embeddings') else 2) + d + sum(block(c, k) for k in c['hybrid_override_pattern'])
    mtp = 0
    if c.get('num_nextn_predict_layers'):
        # eh_proj [d, 2d], enorm, hnorm, final_layernorm; the blocks of mtp_hybrid_override_pattern
        per = 2 * d * d + 3 * d + sum(block(c, k) for k in c['mtp_hybrid_override_pattern'])
        mtp = c['num_nextn_predict_layers'] * per
    return main, main + mtp


ck = json.load(open(CORPUS + 'checkpoints.json'))
for name in ['nvidia__NVIDIA-Nemotron-3-Nano-4B-BF16.json', 'nvidia__NVIDIA-Nemotron-3-Super-120B-A12B-BF16.json']:
    c = json.load(open(CORPUS + 'configs/' + name))
    main, whole = count(c)
    target = ck[name]['checkpoint_params']
    print(f'{name}: main {main:,} whole {whole:,} target {target:,} {"exact" if whole == target else "DIFF " + str(target - whole)}')
