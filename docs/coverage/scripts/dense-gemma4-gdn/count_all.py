"""Closed-form parameter counts for the model types of docs/coverage/dense-gemma4-gdn.md.
Run: python3 count_all.py   (reads /work/shared/corpus; prints the comparison table)."""
import json, math
C = '/work/shared/corpus/configs/'
CK = json.load(open('/work/shared/corpus/checkpoints.json'))
cfg = lambda f: json.load(open(C + f))

# ---------------------------------------------------------------- dense
def llama_like(c, *, qk_norm_full=False, norms_per_layer=2, tied=None):
    d, V, L, ff = c['hidden_size'], c['vocab_size'], c['num_hidden_layers'], c['intermediate_size']
    H = c['num_attention_heads']; Hkv = c.get('num_key_value_heads') or H
    dh = c.get('head_dim') or d // H
    tied = c.get('tie_word_embeddings', False) if tied is None else tied
    layer = d*H*dh + 2*d*Hkv*dh + H*dh*d + 3*d*ff + norms_per_layer*d
    if qk_norm_full: layer += H*dh + Hkv*dh               # OLMo 2/3: q_norm [H*dh], k_norm [Hkv*dh]
    return V*d + L*layer + d + (0 if tied else V*d)

def olmo3(c):    return {'text': llama_like(c, qk_norm_full=True, norms_per_layer=2)}   # post_attention_layernorm, post_feedforward_layernorm
def granite(c):  return {'text': llama_like(c)}                                           # MuP multipliers are scalars in config, no tensors
def nanbeige(c): return {'text': llama_like(c)}                                           # 22 layers stored once, run num_loops times
def ouro(c):     return {'text': llama_like(c, norms_per_layer=4) + c['hidden_size'] + 1} # 4 RMSNorms/layer + early_exit_gate Linear(d,1)+bias

def gpt_neox(c):
    d, V, L, ff, H = c['hidden_size'], c['vocab_size'], c['num_hidden_layers'], c['intermediate_size'], c['num_attention_heads']
    layer = (d*3*d + 3*d) + (d*d + d) + (d*ff + ff) + (ff*d + d) + 2*(2*d)   # qkv(+b), dense(+b), h_to_4h(+b), 4h_to_h(+b), 2 LayerNorms(w,b)
    learned = V*d + L*layer + 2*d + V*d                                          # embed_in, final_layer_norm(w,b), embed_out
    rot = int(d // H * c.get('rotary_pct', 0.25))
    buffers = L*(c['max_position_embeddings']**2 + rot // 2)                     # attention.bias [1,1,P,P] (U8) + rotary inv_freq [rot/2] per layer
    return {'text': learned, 'buffers(stored, Hub counts)': buffers}

def muse_glimmer(c):
    t, v = c['text_config'], c['vision_config']
    d, V, L, ff, H, Hkv, dh = t['hidden_size'], t['vocab_size'], t['num_hidden_layers'], t['intermediate_size'], t['num_attention_heads'], t['num_key_value_heads'], t['head_dim']
    layer = 2*d*H*dh + 2*d*Hkv*dh + H*dh*d + 4*d + 3*d*ff       # q, gate_proj, k, v, o; 4 centered RMSNorms; MLP (qk_norm weightless)
    text = V*d + L*layer + d + V*d
    h, I, Lv = v['hidden_size'], v['intermediate_size'], v['num_hidden_layers']
    vis = v['patch_temporal']*3*v['patch_size']**2*h + v['pos_emb_height']*v['pos_emb_width']*h + 2*h \
        + Lv*(4*h + 4*(h*h + h) + (h*I + I) + (I*h + h)) + 2*h
    P, O = c['projector_hidden_size'], c['out_hidden_size']
    return {'text': text, 'vision': vis, 'projector': O*P + P*P + P*d}

def motif(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv, Hn, dh, dr, dv = c['num_attention_heads'], c['num_key_value_heads'], c['num_noise_heads'], c['head_dim'], c['qk_rope_head_dim'], c['v_head_dim']
    rq, rkv, Hs, dn = c['q_lora_rank'], c['kv_lora_rank'], H - c['num_noise_heads'], dh - dr
    E, de, ns, ff, X = c['num_experts'], c['moe_intermediate_size'], c['num_shared_experts'], c['intermediate_size'], c['mhc_expansion_rate']
    attn = d*rq + rq + rq*H*dh + rq*Hs*dv + d*(rkv + dr) + rkv + rkv*Hkv*(dn + dv) + d*Hs + Hs*dv*d
    mhc = X*d*(X*X + 2*X) + X*d + 2*X + X*X + 3
    poly = 4
    dense = 3*d*ff + poly
    moe = E*d + E + E*2*de*d + E*d*de + 4*E + 3*d*de*ns + poly
    is_moe = lambda i: i >= c['n_dense_first_layers'] and c['interleave_moe_layer_step'] and (i + 1) % c['interleave_moe_layer_step'] == 0
    text = V*d + sum(attn + 2*d + 2*mhc + (moe if is_moe(i) else dense) for i in range(L)) + d + V*d
    mtp = c['num_nextn_predict_layers']*(2*d*d + 4*d + attn + dense)   # embed_norm, input_proj, input/post_attention_layernorm, final_layernorm
    return {'text': text, 'mtp': mtp}

# ---------------------------------------------------------------- Gemma 4
def g4_text(t, stored_shared_kv=True):
    d, V, L = t['hidden_size'], t['vocab_size'], t['num_hidden_layers']
    H, ple = t['num_attention_heads'], t.get('hidden_size_per_layer_input') or 0
    first_shared = L - (t.get('num_kv_shared_layers') or 0)
    n = V*d + d
    if ple: n += t['vocab_size_per_layer_input']*L*ple + d*L*ple + ple
    for i, lt in enumerate(t['layer_types']):
        full = lt == 'full_attention'
        dh = t['global_head_dim'] if full and t.get('global_head_dim') else t['head_dim']
        keqv = bool(t.get('attention_k_eq_v')) and full
        Hkv = t['num_global_key_value_heads'] if keqv else t['num_key_value_heads']
        shared = first_shared <= i
        n += d*H*dh + H*dh*d + dh
        if not shared or stored_shared_kv:
            n += d*Hkv*dh + dh + (0 if keqv else d*Hkv*dh)
        ff = t['intermediate_size']*(2 if t.get('use_double_wide_mlp') and i >= first_shared > 0 else 1)
        n += 3*d*ff + 4*d + 1
        if ple: n += 2*d*ple + d
        if t.get('enable_moe_block'):
            E, de = t['num_experts'], t['moe_intermediate_size']
            n += E*d + d + E + E*2*de*d + E*d*de + 3*d
    return n

def g4_vision(v, hub=True):
    h, I, Lv = v['hidden_size'], v['intermediate_size'], v['num_hidden_layers']
    H, Hkv, dh = v['num_attention_heads'], v['num_key_value_heads'], v['head_dim']
    clip = 0 if hub or not v.get('use_clipped_linears') else 4
    n = 3*v['patch_size']**2*h + 2*v['position_embedding_size']*h
    n += Lv*(h*H*dh + 2*h*Hkv*dh + H*dh*h + 2*dh + 3*h*I + 4*h + 7*clip)
    return n + (2*h if v.get('standardize') else 0)

def g4_audio(a, hub=True):
    h, heads, K, ch = a['hidden_size'], a['num_attention_heads'], a['conv_kernel_size'], a['subsampling_conv_channels']
    clip = 0 if hub or not a.get('use_clipped_linears') else 4
    ffw = 8*h*h + 2*h
    att = 5*h*h + h // heads
    lconv = 3*h*h + h*K + 2*h
    layer = 2*ffw + att + lconv + 3*h + 10*clip
    sub = 9*ch[0] + ch[0] + 9*ch[1]*ch[0] + ch[1] + (ch[0] // 4)*ch[1]*h
    return sub + a['num_hidden_layers']*layer + h*a['output_proj_dims'] + a['output_proj_dims']

def gemma4(c):
    t = c['text_config']; d = t['hidden_size']; out = {'text': g4_text(t)}
    if c.get('vision_config'):
        v = c['vision_config']; out['vision'] = g4_vision(v); out['embed_vision'] = v['hidden_size']*d
    if c.get('audio_config'):
        a = c['audio_config']; out['audio'] = g4_audio(a); out['embed_audio'] = a['output_proj_dims']*d
    return out

def gemma4_unified(c):
    t, v, a = c['text_config'], c['vision_config'], c['audio_config']; d = t['hidden_size']
    P = (v['patch_size']*v['pooling_kernel_size'])**2*3; E = v['mm_embed_dim']
    vis = 2*P + P*E + E + 2*E + v['mm_posemb_size']*2*E + 2*E + v['output_proj_dims']*d
    return {'text': g4_text(t), 'embed_vision': vis, 'embed_audio': a['audio_embed_dim']*d}

# ---------------------------------------------------------------- Gated DeltaNet hybrids
def qwen_vision(v):
    h, I, D = v['hidden_size'], v['intermediate_size'], v['depth']; m = v['spatial_merge_size']**2*h; o = v['out_hidden_size']
    return v['in_channels']*v['temporal_patch_size']*v['patch_size']**2*h + h + v['num_position_embeddings']*h \
        + D*(4*h + 3*h*h + 3*h + h*h + h + 2*h*I + I + h) + 2*h + m*m + m + m*o + o

def gdn(t):
    d = t['hidden_size']; kd = t['linear_num_key_heads']*t['linear_key_head_dim']
    Hv, dv = t['linear_num_value_heads'], t['linear_value_head_dim']; vd = Hv*dv
    return d*(2*kd + vd) + d*vd + 2*d*Hv + (2*kd + vd)*t['linear_conv_kernel_dim'] + 2*Hv + dv + vd*d

def gated_attn(t):
    d, H, Hkv, dh = t['hidden_size'], t['num_attention_heads'], t['num_key_value_heads'], t['head_dim']
    return d*2*H*dh + 2*d*Hkv*dh + H*dh*d + 2*dh

def qwen_moe(t):
    d, E, de, ds = t['hidden_size'], t['num_experts'], t['moe_intermediate_size'], t['shared_expert_intermediate_size']
    return E*d + E*2*de*d + E*d*de + 3*d*ds + d

def qwen3_5_family(c, ffn):
    t = c['text_config']; d, V = t['hidden_size'], t['vocab_size']
    text = V*d + sum((gdn(t) if lt == 'linear_attention' else gated_attn(t)) + ffn(t) + 2*d for lt in t['layer_types']) + d + V*d
    mtp = t['mtp_num_hidden_layers']*(gated_attn(t) + ffn(t) + 2*d) + 2*d*d + 3*d   # fc [d,2d], pre_fc_norm_embedding/hidden, norm
    return {'text': text, 'mtp': mtp, 'vision': qwen_vision(c['vision_config'])}

def qwen3_5(c):     return qwen3_5_family(c, lambda t: 3*t['hidden_size']*t['intermediate_size'])
def qwen3_5_moe(c): return qwen3_5_family(c, qwen_moe)

def _is_prime(n):
    if n < 2: return False
    if n % 2 == 0: return n == 2
    return all(n % k for k in range(3, math.isqrt(n) + 1, 2))
def _nth_prime_after(start, count):
    p = start
    for _ in range(count):
        p += 1
        while not _is_prime(p): p += 1
    return p

def qwen4_exp(c):
    t = c['text_config']; d, V, hc, r = t['hidden_size'], t['vocab_size'], t['hc_count'], t['hc_lowrank']
    gr = lambda combine=True: hc*d + 2*hc*d*r + (hc*d*hc if combine else 0)   # hc_norm, input_mix_weight_down/up, block_inject_weight
    ih = t['indexer_head_dim']
    qsa = gated_attn(t) + d*(t['indexer_n_heads'] + t['indexer_kv_heads'])*ih + 2*ih
    heads = (t['ngram_size'] - 1)*t['heads_per_ngram']; E = t['ple_embed_dim']
    text = ngram = ibuf = 0
    for i, lt in enumerate(t['layer_types']):
        text += (gdn(t) if lt == 'linear_attention' else qsa) + qwen_moe(t) + 2*gr()
        if i + 1 in t['ple_layer_ids']:
            k = t['ple_layer_ids'].index(i + 1)
            tot = sum(_nth_prime_after(t['ngram_vocab_size_base'] - 1, k*heads + j + 1) for j in range(heads))
            m = t['make_ngram_vocab_size_divisible_by']; rows = math.ceil(tot / m)*m
            emb = rows*(E // heads); ngram += emb
            text += emb + E*hc*d + E*d + 3*hc*d + hc*d*t['ple_conv_kernel_size']
            ibuf += t['ngram_size'] + 2*heads        # int64 buffers layer_multipliers, ngram_heads_vocab_sizes, ngram_heads_offsets
    text += V*d + gr(False) + V*d                   # embed, hyper_connection_mixer (no final RMSNorm), lm_head
    mtp = t['mtp_num_hidden_layers']*(qsa + qwen_moe(t) + 2*gr()) + 2*d*d + d + hc*d + gr(False)
    return {'text': text, 'mtp': mtp, 'vision': qwen_vision(c['vision_config']), 'int64 buffers': ibuf, '(ngram tables in text)': -ngram}

ROWS = [
    ('olmo3', 'allenai__Olmo-3-1025-7B.json', olmo3),
    ('granite', 'ibm-granite__granite-4.1-30b.json', granite),
    ('nanbeige', 'Nanbeige__Nanbeige4.2-3B.json', nanbeige),
    ('gpt_neox', 'EleutherAI__gpt-neox-20b.json', gpt_neox),
    ('ouro', 'ByteDance__Ouro-2.6B-Thinking.json', ouro),
    ('muse_glimmer', 'meta-models__Muse-Glimmer-30B.json', muse_glimmer),
    ('Motif', 'Motif-Technologies__Motif-3-Beta.json', motif),
    ('gemma4 (E2B)', 'google__gemma-4-E2B-it.json', gemma4),
    ('gemma4 (26B-A4B)', 'google__gemma-4-26B-A4B-it.json', gemma4),
    ('gemma4_unified', 'google__gemma-4-12B-it.json', gemma4_unified),
    ('qwen3_5', 'Qwen__Qwen3.8-27B.json', qwen3_5),
    ('qwen3_5_moe', 'Qwen__Qwen3.5-397B-A17B.json', qwen3_5_moe),
    ('qwen4_exp', 'Qwen__Qwen3.8-Flash-Next.json', qwen4_exp),
]

if __name__ == '__main__':
    print('| model type | text decoder (MTP excl.) | our checkpoint count | checkpoints.json | equal? |')
    for name, f, fn in ROWS:
        parts = fn(cfg(f)); e = CK[f]
        whole = sum(v for k, v in parts.items() if not k.startswith('('))
        if name == 'gpt_neox': whole = parts['text']     # checkpoint_params = Hub total minus stored buffers
        print(f"| {name} | {parts['text']:,} | {whole:,} | {e['checkpoint_params']:,} | {'yes' if whole == e['checkpoint_params'] else 'NO %+d' % (whole - e['checkpoint_params'])} |", {k: f'{v:,}' for k, v in parts.items()})
    print('gpt_neox Hub total check:', sum(gpt_neox(cfg('EleutherAI__gpt-neox-20b.json')).values()), CK['EleutherAI__gpt-neox-20b.json']['hub_total'])
