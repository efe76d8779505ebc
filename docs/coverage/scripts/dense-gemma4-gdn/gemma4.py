"""Gemma 4 (model_type gemma4): closed form from transformers modeling_gemma4.py (huggingface/transformers, read 0246b4f)."""
import json
C='/work/shared/corpus/configs/'; CK=json.load(open('/work/shared/corpus/checkpoints.json'))

def text(t):
    d,V,L=t['hidden_size'],t['vocab_size'],t['num_hidden_layers']
    H=t['num_attention_heads']; ple=t.get('hidden_size_per_layer_input') or 0
    first_shared=L-(t.get('num_kv_shared_layers') or 0)
    n=V*d + d                                   # embed_tokens (tied head), final norm
    if ple:
        n+= t['vocab_size_per_layer_input']*L*ple + d*L*ple + ple   # embed_tokens_per_layer, per_layer_model_projection, per_layer_projection_norm
    for i,lt in enumerate(t['layer_types']):
        full = lt=='full_attention'
        dh = t['global_head_dim'] if full and t.get('global_head_dim') else t['head_dim']
        keqv = bool(t.get('attention_k_eq_v')) and full
        Hkv = t['num_global_key_value_heads'] if keqv else t['num_key_value_heads']
        shared = i>=first_shared>=0 and first_shared<L
        a = d*H*dh + H*dh*d + dh                 # q_proj, o_proj, q_norm
        if not shared:
            a+= d*Hkv*dh + dh + (0 if keqv else d*Hkv*dh)   # k_proj, k_norm, v_proj (absent when K=V); v_norm has no weight
        ff = t['intermediate_size']*(2 if t.get('use_double_wide_mlp') and i>=first_shared>0 else 1)
        m = 3*d*ff
        norms = 4*d
        extra = 1                                # layer_scalar buffer [1] (persistent, stored)
        if ple: extra += 2*d*ple + d             # per_layer_input_gate, per_layer_projection, post_per_layer_input_norm
        if t.get('enable_moe_block'):
            E,de=t['num_experts'],t['moe_intermediate_size']
            extra += E*d + d + E                 # router.proj, router.scale, router.per_expert_scale (router.norm weightless)
            extra += E*2*de*d + E*d*de           # experts.gate_up_proj [E,2de,d], experts.down_proj [E,d,de]
            extra += 3*d                         # post_feedforward_layernorm_1/_2, pre_feedforward_layernorm_2
        n+= a+m+norms+extra
    return n

def clip(cfg): return 4 if cfg.get('use_clipped_linears') else 0   # input_min/max, output_min/max scalar buffers per ClippableLinear

def vision(v):
    h,I,Lv=v['hidden_size'],v['intermediate_size'],v['num_hidden_layers']
    H,Hkv,dh=v['num_attention_heads'],v['num_key_value_heads'],v['head_dim']
    c=clip(v)
    layer = h*H*dh + 2*h*Hkv*dh + H*dh*h + 4*c + 2*dh + 3*h*I + 3*c + 4*h
    n = 3*v['patch_size']**2*h + 2*v['position_embedding_size']*h + Lv*layer
    if v.get('standardize'): n+= 2*h            # std_bias, std_scale buffers (stored)
    return n

def audio(a):
    h=a['hidden_size']; c=clip(a); heads=a['num_attention_heads']; K=a['conv_kernel_size']; ch=a['subsampling_conv_channels']
    ffw = h*4*h + 4*h*h + 2*c + 2*h
    att = 4*h*h + 4*c + h*h + h//heads          # q,k,v,post (clippable) + relative_k_proj + per_dim_scale
    lconv = h*2*h + h*h + 2*c + h*K + 2*h
    layer = 2*ffw + att + lconv + 3*h
    sub = ch[0]*1*9 + ch[0] + ch[1]*ch[0]*9 + ch[1] + (ch[0]//4)*ch[1]*h
    return sub + a['num_hidden_layers']*layer + h*a['output_proj_dims'] + a['output_proj_dims']

def embedder(mm, d): return mm.get('output_proj_dims', mm['hidden_size'])*d   # embedding_projection; pre-projection norm weightless

def whole(c):
    t=c['text_config']; d=t['hidden_size']
    parts={'text':text(t)}
    if c.get('vision_config'): parts['vision']=vision(c['vision_config']); parts['embed_vision']=embedder(c['vision_config'],d)
    if c.get('audio_config'): parts['audio']=audio(c['audio_config']); parts['embed_audio']=embedder(c['audio_config'],d)
    return parts

if __name__=='__main__':
    from gemma4_31b_cfg import cfg
    p=whole(cfg); print('31B (listing 31,273,088,876):',p,sum(p.values()),sum(p.values())-31273088876)
    for f in ['google__gemma-4-E2B-it.json','google__gemma-4-26B-A4B-it.json']:
        c=json.load(open(C+f)); p=whole(c); tot=sum(p.values()); tgt=CK[f]['checkpoint_params']
        print(f,p,'total',tot,'target',tgt,'diff',tot-tgt)
