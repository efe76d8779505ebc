from common import *
n='zai-org__GLM-5.2.json'
c=load(n)
d,H,V,L=c['hidden_size'],c['num_attention_heads'],c['vocab_size'],c['num_hidden_layers']
rq=c['q_lora_rank']
a=mla(d,H,rq,c['kv_lora_rank'],c['qk_nope_head_dim'],c['qk_rope_head_dim'],c['v_head_dim'])
Hi,hi=c['index_n_heads'],c['index_head_dim']
idx=Hi*hi*rq + hi*d + 2*hi + Hi*d   # wq_b, wk, k_norm (LayerNorm w+b), weights_proj
types=c['indexer_types']; assert len(types)==L
nfull=sum(t=='full' for t in types)
mlt=c['mlp_layer_types']; ndense=sum(t=='dense' for t in mlt)
dense=a+2*d+swiglu(d,c['intermediate_size'])
sp=a+2*d+moe(d,c['n_routed_experts'],c['moe_intermediate_size'],c['n_shared_experts'])
main=ndense*dense+(L-ndense)*sp+nfull*idx+2*V*d+d
mtp=sp+idx+2*d+2*d*d+d   # MTP layer 78 stores its own indexer; no embed/head copies
tot=main+mtp
print('nfull',nfull,'ndense',ndense,'attn',a,'idx',idx)
print('main',main,743377019904,main-743377019904)
print('mtp',mtp,9952920576,mtp-9952920576)
print('total',tot,CK[n]['checkpoint_params'],tot-CK[n]['checkpoint_params'])
