import json
C='/work/shared/corpus/configs/'; CK=json.load(open('/work/shared/corpus/checkpoints.json'))
def vision(v):
    h,I,depth=v['hidden_size'],v['intermediate_size'],v['depth']
    m=v['spatial_merge_size']**2*h
    patch=v['in_channels']*v['temporal_patch_size']*v['patch_size']**2*h+h
    pos=v['num_position_embeddings']*h
    blk=4*h + (3*h*h+3*h) + (h*h+h) + (h*I+I) + (I*h+h)
    merger=2*h + m*m+m + m*v['out_hidden_size']+v['out_hidden_size']
    return patch+pos+depth*blk+merger
def gdn(t):
    d=t['hidden_size']; kd=t['linear_num_key_heads']*t['linear_key_head_dim']; Hv=t['linear_num_value_heads']; vd=Hv*t['linear_value_head_dim']
    return d*(2*kd+vd) + d*vd + 2*d*Hv + (2*kd+vd)*t['linear_conv_kernel_dim'] + 2*Hv + t['linear_value_head_dim'] + vd*d
def attn(t):
    d=t['hidden_size']; H,Hkv,dh=t['num_attention_heads'],t['num_key_value_heads'],t['head_dim']
    g=2 if t.get('attn_output_gate',True) else 1
    return d*g*H*dh + 2*d*Hkv*dh + H*dh*d + 2*dh
def dense_mlp(t,ff): return 3*t['hidden_size']*ff
def moe(t):
    d=t['hidden_size']; E=t['num_experts']; de=t['moe_intermediate_size']; ds=t['shared_expert_intermediate_size']
    return E*d + E*3*d*de + 3*d*ds + d   # router, experts (gate_up fused [E,2de,d] + down [E,d,de]), shared expert, shared_expert_gate [1,d]
def text(t, ffn):
    d,V,L=t['hidden_size'],t['vocab_size'],t['num_hidden_layers']
    n=0
    for lt in t['layer_types']:
        n+= (gdn(t) if lt=='linear_attention' else attn(t)) + ffn(t) + 2*d
    return n + V*d + d + (0 if t.get('tie_word_embeddings',False) else V*d)
def mtp(t, ffn):
    d=t['hidden_size']
    return t['mtp_num_hidden_layers']*(attn(t)+ffn(t)+2*d) + 2*d*d + 3*d
def main():
  for f,ffn in [('Qwen__Qwen3.8-27B.json', lambda t: dense_mlp(t,t['intermediate_size'])), ('Qwen__Qwen3.5-397B-A17B.json', moe)]:
    c=json.load(open(C+f)); t=c['text_config']
    T=text(t,ffn); M=mtp(t,ffn); Vv=vision(c['vision_config'])
    tot=T+M+Vv; tgt=CK[f]['checkpoint_params']
    print(f,'text',T,'mtp',M,'vision',Vv,'total',tot,'target',tgt,'diff',tot-tgt)
if __name__=='__main__': main()
