"""Closed-form parameter counts for the GQA/MoE family (scratch research script).
Each function returns (text_main, whole): text_main = text decoder, MTP excluded, towers excluded;
whole = everything the checkpoint stores as the Hub counts it (MTP blocks, their stored
embedding/head copies, vision/audio towers, fp32 router weights/biases; FP8 scales excluded)."""
import json, math, itertools
CFG = '/work/shared/corpus/configs/'
def load(n): return json.load(open(CFG + n))

def glm4_moe(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv, dh = c['num_attention_heads'], c['num_key_value_heads'], c.get('head_dim') or c['hidden_size'] // c['num_attention_heads']
    E, de, dff, ns, kd = c['n_routed_experts'], c['moe_intermediate_size'], c['intermediate_size'], c['n_shared_experts'], c['first_k_dense_replace']
    attn = d*H*dh + 2*d*Hkv*dh + H*dh*d                       # q,k,v,o
    attn += (H*dh + 2*Hkv*dh) if c.get('attention_bias') else 0   # q/k/v bias (o has none)
    attn += 2*dh if c.get('use_qk_norm') else 0                   # q_norm, k_norm per head
    moe = E*d + E + E*3*d*de + 3*d*ns*de                      # gate.weight, e_score_correction_bias(fp32), experts, shared_experts
    main = kd*(attn + 2*d + 3*d*dff) + (L-kd)*(attn + 2*d + moe) + 2*V*d + d
    n = c.get('num_nextn_predict_layers', 0)
    mtp = n*(attn + 2*d + moe + 2*d*d + 3*d)                  # block + eh_proj + enorm,hnorm,shared_head.norm
    copies = n*2*V*d                                           # embed_tokens + shared_head.head stored per MTP layer
    return main, main + mtp + copies

def mimo_v2(c, n_mtp):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    E, de, dff = c['n_routed_experts'], c['moe_intermediate_size'], c['intermediate_size']
    def attn(swa):
        if swa: H, Hkv, dk, dv = c['swa_num_attention_heads'], c['swa_num_key_value_heads'], c['swa_head_dim'], c['swa_v_head_dim']
        else:   H, Hkv, dk, dv = c['num_attention_heads'], c['num_key_value_heads'], c['head_dim'], c['v_head_dim']
        sink = c.get('add_swa_attention_sink_bias', False) if swa else c.get('add_full_attention_sink_bias', False)
        return d*(H*dk + Hkv*dk + Hkv*dv) + H*dv*d + (H if sink else 0)   # qkv (fused or not), o_proj, attention_sink_bias
    main = 2*V*d + d
    for i in range(L):
        moe = c['moe_layer_freq'][i] == 1
        main += attn(c['hybrid_layer_pattern'][i] == 1) + 2*d + ((E*d + E + E*3*d*de) if moe else 3*d*dff)
    mtp = n_mtp*(attn(True) + 3*d*dff + 2*d + 3*d + 2*d*d)   # SWA attn(+sink), dense MLP, input/pre_mlp norms, enorm,hnorm,final_layernorm, eh_proj
    return main, main + mtp

def step3p5(c):
    d, V, L, dh = c['hidden_size'], c['vocab_size'], c['num_hidden_layers'], c['head_dim']
    E, de, ds, dff = c['moe_num_experts'], c['moe_intermediate_size'], c['share_expert_dim'], c['intermediate_size']
    moe_layers = {int(x) for x in c['moe_layers_enum'].split(',')} if c.get('moe_layers_enum') else set(range(1, L))
    oth = c.get('attention_other_setting') or {}
    def layer(i):
        if oth and c['layer_types'][i] == oth['attention_type']: H, G, hd = oth['num_attention_heads'], oth['num_attention_groups'], oth['head_dim']
        else: H, G, hd = c['num_attention_heads'], c['num_attention_groups'], dh
        attn = d*H*hd + 2*d*G*hd + H*hd*d + 2*hd + (d*H if c.get('use_head_wise_attn_gate') else 0)  # q,k,v,o, q/k_norm, g_proj
        ffn = (E*d + E + E*3*d*de + 3*d*ds) if i in moe_layers else 3*d*dff   # gate, router_bias(fp32), experts, share_expert
        return attn + ffn + 2*d
    main = sum(layer(i) for i in range(L)) + 2*V*d + d
    n = c.get('num_nextn_predict_layers', 0)
    mtp = sum(layer(i) + 2*d*d + 3*d + V*d for i in range(L, L+n))   # block, eh_proj, enorm,hnorm,shared_head.norm, shared_head.head
    return main, main + mtp

def afmoe(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv, dh = c['num_attention_heads'], c.get('num_key_value_heads') or c['num_attention_heads'], c.get('head_dim', 128)
    E, de, dff, ns, kd = c['num_experts'], c['moe_intermediate_size'], c['intermediate_size'], c['num_shared_experts'], c['num_dense_layers']
    attn = d*H*dh + 2*d*Hkv*dh + H*dh*d + d*H*dh + 2*dh      # q,k,v,o, gate_proj (elementwise output gate), q_norm,k_norm
    moe = E*d + E + E*3*d*de + 3*d*ns*de                      # router.gate, expert_bias(fp32), experts, shared_experts
    main = kd*(attn + 4*d + 3*d*dff) + (L-kd)*(attn + 4*d + moe) + (1 if c.get('tie_word_embeddings') else 2)*V*d + d
    return main, main

def laguna(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    Hkv, dh = c['num_key_value_heads'], c['head_dim']
    E, de, dff, ds = c['num_experts'], c['moe_intermediate_size'], c['intermediate_size'], c['shared_expert_intermediate_size']
    heads = c.get('num_attention_heads_per_layer') or [c['num_attention_heads']]*L
    kinds = c.get('mlp_layer_types') or ['dense'] + ['sparse']*(L-1)
    main = 2*V*d + d
    for i in range(L):
        Hl = heads[i]
        attn = d*Hl*dh + 2*d*Hkv*dh + Hl*dh*d + d*Hl + 2*dh   # q,k,v,o, g_proj (per-head gate), q_norm,k_norm
        ffn = 3*d*dff if kinds[i] == 'dense' else E*d + E + E*3*d*de + 3*d*ds   # gate.weight, e_score_correction_bias, experts, shared_experts
        main += attn + 2*d + ffn
    return main, main

def hy_v3(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv, dh = c['num_attention_heads'], c['num_key_value_heads'], c['head_dim']
    E, de, dff, ns, kd = c['num_experts'], c['moe_intermediate_size'], c['intermediate_size'], c['num_shared_experts'], c.get('first_k_dense_replace', 1)
    attn = d*H*dh + 2*d*Hkv*dh + H*dh*d + 2*dh               # q,k,v,o, q_norm,k_norm
    moe = E*d + E + E*3*d*de + 3*d*de*ns                      # gate.weight, e_score_correction_bias(fp32), experts, shared_experts
    main = kd*(attn + 2*d + 3*d*dff) + (L-kd)*(attn + 2*d + moe) + 2*V*d + d
    n = c.get('num_nextn_predict_layers', 0)
    mtp = n*(attn + 2*d + moe + 2*d*d + 3*d)                  # MoE block, eh_proj, enorm,hnorm,final_layernorm; no embed/head copy
    return main, main + mtp

def sarvam_moe(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv, dh = c['num_attention_heads'], c['num_key_value_heads'], c.get('head_dim') or c['hidden_size']//c['num_attention_heads']
    E, de, dff, ns, kd = c['num_experts'], c['moe_intermediate_size'], c['intermediate_size'], c.get('num_shared_experts') or 0, c['first_k_dense_replace']
    attn = d*(H + 2*Hkv)*dh + H*dh*d + (2*dh if c.get('use_qk_norm') else 0)   # query_key_value (fused), dense, query/key_layernorm
    attn += (H + 2*Hkv)*dh if c.get('use_qkv_bias') else 0
    attn += d if c.get('use_bias') else 0
    moe = E*d + E + E*3*d*de + 3*d*de*ns                      # gate.weight, gate.expert_bias, experts, shared_experts
    main = kd*(attn + 2*d + 3*d*dff) + (L-kd)*(attn + 2*d + moe) + 2*V*d + d
    return main, main

def cohere2_moe(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv, dh = c['num_attention_heads'], c.get('num_key_value_heads') or c['num_attention_heads'], c.get('head_dim', 128)
    E, de, ns = c['num_experts'], c['intermediate_size'], c.get('num_shared_experts', 0)
    kinds = c.get('mlp_layer_types') or ['dense' if i < c.get('first_k_dense_replace', 0) else 'sparse' for i in range(L)]
    attn = d*H*dh + 2*d*Hkv*dh + H*dh*d                       # q,k,v,o (no bias, no qk-norm here)
    main = (1 if c.get('tie_word_embeddings', True) else 2)*V*d + d
    for k in kinds:
        ffn = 3*d*c['prefix_dense_intermediate_size'] if k == 'dense' else E*d + E*3*d*de + ns*3*d*de
        main += attn + d + ffn                                 # ONE input_layernorm (parallel block)
    return main, main

def olmoe(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv = c['num_attention_heads'], c.get('num_key_value_heads') or c['num_attention_heads']
    dh = d // H
    E, de = c['num_experts'], c['intermediate_size']
    attn = d*H*dh + 2*d*Hkv*dh + H*dh*d + H*dh + Hkv*dh      # q,k,v,o, q_norm (d), k_norm (Hkv*dh)
    main = L*(attn + 2*d + E*d + E*3*d*de) + (1 if c.get('tie_word_embeddings') else 2)*V*d + d
    return main, main

def grok(c):
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv, dh = c['num_attention_heads'], c['num_key_value_heads'], c.get('head_dim', 128)
    E, de, dff = c['num_local_experts'], c.get('moe_intermediate_size', c['intermediate_size']), c['intermediate_size']
    layer = d*(H + 2*Hkv)*dh + H*dh*d + 4*d + E*d + E*3*d*de + (3*d*dff if c.get('residual_moe') else 0)
    main = L*layer + 2*V*d + d
    return main, main

def minimax_m3_vl(cfg):
    c = cfg['text_config']; sa = c.get('sparse_attention_config') or {}
    d, V, L = c['hidden_size'], c['vocab_size'], c['num_hidden_layers']
    H, Hkv, dh = c['num_attention_heads'], c['num_key_value_heads'], c['head_dim']
    E, de, dff, ds = c['num_local_experts'], c['intermediate_size'], c['dense_intermediate_size'], c['shared_intermediate_size']*c.get('n_shared_experts', 1)
    attn = d*H*dh + 2*d*Hkv*dh + H*dh*d + 2*dh               # q,k,v,o, q_norm,k_norm (per_head)
    idx = d*sa.get('sparse_num_index_heads', 0)*sa.get('sparse_index_dim', 0) + d*sa.get('sparse_index_dim', 0) + 2*sa.get('sparse_index_dim', 0)
    text = 2*V*d + d
    for i in range(L):
        moe = c['moe_layer_freq'][i] == 1
        ffn = (E*d + E + E*3*d*de + 3*d*ds) if moe else 3*d*dff
        sparse = sa.get('use_sparse_attention') and sa['sparse_attention_freq'][i] == 1
        text += attn + 2*d + ffn + (idx if sparse else 0)
    v = cfg['vision_config']; dv, Lv, fv, p, C = v['hidden_size'], v['num_hidden_layers'], v['intermediate_size'], v['patch_size'], v['num_channels']
    comp = cfg['img_token_compression_config']; tp, m = comp['temporal_patch_size'], comp['spatial_merge_size']
    vis = dv*C*tp*p*p + 2*dv + Lv*(4*(dv*dv + dv) + dv*fv + fv + fv*dv + dv + 4*dv)
    P = cfg['projector_hidden_size']
    proj = (dv*P + P) + (P*P + P)                  # multi_modal_projector
    merge = (m*m*P*P + P) + (P*P + P)              # patch_merge_mlp
    return text, text + vis + proj + merge

def _inkling_vision_dims(v, d):
    def pf(n):
        f = []
        while n % 2 == 0: f.append(2); n //= 2
        q = 3
        while q*q <= n:
            while n % q == 0: f.append(q); n //= q
            q += 2
        if n > 1: f.append(n)
        return f
    def cum(x):
        o, s = [], 1
        for y in x: s *= y; o.append(s)
        return o
    P, T, C, NL = v['patch_size'], v['temporal_patch_size'], v['n_channels'], v['n_layers']
    h, t = cum(pf(P)[::-1]), cum(pf(T)[::-1])
    scales = [(1, 1, 1, C)] + [(1, x, x, math.ceil(x*x*C/64)*64) for x in h] + [(x, h[-1], h[-1], math.ceil(h[-1]**2*C*x)*64) for x in t]
    ideal = [i*math.log(P*P*T*C)/NL for i in range(NL+1)]
    cost = [[abs(ideal[r] - math.log(s[0]*s[1]*s[2])) for s in scales] for r in range(NL+1)]
    if NL + 1 >= len(scales): idx = [min(range(len(scales)), key=lambda j: cost[r][j]) for r in range(NL+1)]
    else: idx = list(min(itertools.permutations(range(len(scales)), NL+1), key=lambda q: sum(cost[r][q[r]] for r in range(NL+1))))
    idx[0], idx[-1] = 0, len(scales) - 1
    sc = [scales[i] for i in idx]
    n = 0
    for i, (a, b) in enumerate(zip(sc[:-1], sc[1:])):
        mult = (b[0]//a[0])*(b[1]//a[1])*(b[2]//a[2]); out = d if i == NL-1 else b[3]
        n += a[3]*mult*out + (0 if i == NL-1 else out)        # projection (no bias) + RMSNorm except last
    return n + d                                               # final_norm

def inkling(cfg):
    c, a, v, mt = cfg['text_config'], cfg['audio_config'], cfg['vision_config'], cfg.get('mtp_config') or {}
    d, V, L, K, drel = c['hidden_size'], c['vocab_size'], c['num_hidden_layers'], c['sconv_kernel_size'], c['d_rel']
    E, ns, de, dff = c['n_routed_experts'], c['n_shared_experts'], c['intermediate_size'], c['dense_intermediate_size']
    def attn(swa):
        H, Hkv, dh = (c['swa_num_attention_heads'], c['swa_num_key_value_heads'], c['swa_head_dim']) if swa else (c['num_attention_heads'], c['num_key_value_heads'], c['head_dim'])
        ext = c['sliding_window_size'] if swa else c['rel_extent']
        return d*H*dh + 2*d*Hkv*dh + d*H*drel + H*dh*d + 2*Hkv*dh*K + 2*dh + drel*ext
    moe = (E + ns)*d + 1 + E + E*3*d*de + ns*3*d*de            # router weight (routed+shared rows), global_scale, e_score_correction_bias (buffer), experts, shared
    def layer(swa, dense): return attn(swa) + 2*d + 2*d*K + (3*d*dff + 1 if dense else moe)
    local = set(c['local_layer_ids'])
    text = 2*V*d + 2*d + sum(layer(i in local, i < c['dense_mlp_idx']) for i in range(L))   # embed(+embed_norm), norm, lm_head (vocab_size rows)
    audio = a['n_mel_bins']*a['mel_vocab_size']*d + d
    vis = _inkling_vision_dims(v, d)
    mloc = set(mt.get('local_layer_ids') or [])
    mtp = sum(layer(i in mloc, True) + 2*d*d + 2*d for i in range(mt.get('num_nextn_predict_layers', 0)))  # block + input_proj + hidden_norm, embed_norm
    return text, text + audio + vis + mtp

if __name__ == '__main__':
    ck = json.load(open('/work/shared/corpus/checkpoints.json'))
    rows = [
        ('glm4_moe', 'zai-org__GLM-4.5.json', lambda c: glm4_moe(c)),
        ('mimo_v2_flash', 'XiaomiMiMo__MiMo-V2-Flash.snapshot-trimmed.json', lambda c: mimo_v2(c, 3)),
        ('mimo_v2', 'XiaomiMiMo__MiMo-V2.5-Pro.json', lambda c: mimo_v2(c, 3)),
        ('step3p5', 'stepfun-ai__Step-3.5-Flash.json', step3p5),
        ('afmoe', 'arcee-ai__Trinity-Large-Base.json', afmoe),
        ('laguna', 'poolside__Laguna-XS.2.json', laguna),
        ('hy_v3', 'tencent__Hy3-preview.json', hy_v3),
        ('sarvam_moe', 'sarvamai__sarvam-30b.json', sarvam_moe),
        ('cohere2_moe', 'CohereLabs__North-Mini-Code-1.0.json', cohere2_moe),
        ('olmoe', 'allenai__OLMoE-1B-7B-0924.json', olmoe),
        ('grok-2 (git)', 'xai-org__grok-2.json', grok),
        ('minimax_m3_vl', 'MiniMaxAI__MiniMax-M3.json', minimax_m3_vl),
        ('inkling_mm_model', 'thinkingmachines__Inkling.json', inkling),
    ]
    for mt, f, fn in rows:
        text, whole = fn(load(f)); e = ck[f]
        tgt = e.get('checkpoint_params') if e.get('exact') else None
        eq = ('EQUAL' if whole == tgt else f'resid {tgt - whole:+,}') if tgt is not None else f"n/a (exact:false, hub_total {e.get('hub_total')})"
        print(f'{mt:18s} text_main {text:>19,}  whole {whole:>19,}  {eq}')
