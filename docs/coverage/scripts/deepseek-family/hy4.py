"""hy_v4 (Tencent Hy4-preview). Source: transformers src/transformers/models/hy_v4/modeling_hy_v4.py
(main model) + vLLM HYV4MTP (MTP layer: no iHC, indexer 'full', enorm/hnorm/eh_proj/final_layernorm,
head and embedding shared)."""
from common import *
n='tencent__Hy4-preview.json'
c=load(n)
d,H,V,L=c['hidden_size'],c['num_attention_heads'],c['vocab_size'],c['num_hidden_layers']
rq,rkv,dn,dr,dv=c['q_lora_rank'],c['kv_lora_rank'],c['qk_nope_head_dim'],c['qk_rope_head_dim'],c['v_head_dim']
hc=c['hc_mult']; E=c['n_routed_experts']; de=c['moe_intermediate_size']; Hi,hi=c['index_n_heads'],c['index_head_dim']
a=mla(d,H,rq,rkv,dn,dr,dv) + d*H*dv + H        # MLA + gate_proj [H*dv, d] + sinks [H]
idx=Hi*hi*rq + hi*d + 2*hi + Hi*d              # wq_b, wk, k_norm (LayerNorm w+b), weights_proj
hcl=2*(2*hc*hc*d + 2*hc + 2)                   # attn_hc, ffn_hc: fn [2hc, hc*d], base [2hc], scale [2]
moe_l=E*3*d*de + 3*d*de + E*d + E              # experts, shared expert, router weight, e_score_correction_bias
types=c['indexer_types']; mlt=c['mlp_layer_types']
nfull=sum(t=='full' for t in types); nsp=sum(t=='sparse' for t in mlt)
hc_head=hc*hc*d + hc + 1
main = L*(a+hcl+2*d) + nfull*idx + (L-nsp)*swiglu(d,c['intermediate_size']) + nsp*moe_l + 2*V*d + d + hc_head
mtp  = a + idx + moe_l + 2*d + 2*d + 2*d*d + d  # no iHC; + enorm, hnorm, eh_proj, final_layernorm
f32  = L*(hcl+H) + nsp*E + hc_head
tot=main+mtp
print('main',main,'mtp',mtp,'total',tot,'hub_total',CK[n]['hub_total'],'diff',CK[n]['hub_total']-tot)
print('F32 (hc fn/base/scale, sinks, e_bias, hc_head of main)',f32,'hub F32 30795421 diff',30795421-f32)
