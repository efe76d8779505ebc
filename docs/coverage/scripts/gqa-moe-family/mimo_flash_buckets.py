import json
from math import ceil
c=json.load(open('/work/shared/corpus/configs/XiaomiMiMo__MiMo-V2-Flash.snapshot-trimmed.json'))
d=c['hidden_size'];V=c['vocab_size'];L=c['num_hidden_layers']
E=c['n_routed_experts'];de=c['moe_intermediate_size'];dff=c['intermediate_size']
def sc(o,i): return ceil(o/128)*ceil(i/128)
def geo(swa):
    if swa: return c['swa_num_attention_heads'],c['swa_num_key_value_heads'],c['swa_head_dim'],c['swa_v_head_dim']
    return c['num_attention_heads'],c['num_key_value_heads'],c['head_dim'],c['v_head_dim']
def run(n_mtp, o_fp8=False, qkv_fused=True):
    bf16=2*V*d+d; f8=0; f32=0; scale=0
    layers=[(c['hybrid_layer_pattern'][i]==1, c['moe_layer_freq'][i]==1) for i in range(L)]+[(True,False,'mtp')]*n_mtp
    for t in layers:
        swa,moe=t[0],t[1]; mtp=len(t)==3
        H,Hkv,dk,dv=geo(swa)
        qkv=[(H*dk,d),(Hkv*dk,d),(Hkv*dv,d)] if not qkv_fused else [(H*dk+Hkv*dk+Hkv*dv,d)]
        for o,i in qkv: f8+=o*i; scale+=sc(o,i)
        if o_fp8: f8+=d*H*dv; scale+=sc(d,H*dv)
        else: bf16+=d*H*dv
        if swa and c['add_swa_attention_sink_bias']: bf16+=H
        bf16+=2*d
        if moe:
            f32+=E*d+E
            f8+=E*3*d*de; scale+=E*(2*sc(de,d)+sc(d,de))
        else:
            f8+=3*d*dff; scale+=2*sc(dff,d)+sc(d,dff)
        if mtp: bf16+=3*d+2*d*d
    return bf16,f8,f32,scale
hub=dict(BF16=3062303360,F32=68012416,F8=306655002624)
for n in (0,1,3):
  for ofp8 in (False,True):
    for fused in (True,False):
      b,f,f32,s=run(n,ofp8,fused)
      print(n,ofp8,fused,'BF16',b-hub['BF16'],'F8',f-hub['F8'],'F32(+scales)',f32+s-hub['F32'],'learned',b+f+f32)
