from common import *
n='zai-org__GLM-4.7-Flash.transformers-rendered.json'
c=load(n)
d,H,V,L=c['hidden_size'],c['num_attention_heads'],c['vocab_size'],c['num_hidden_layers']
a=mla(d,H,c['q_lora_rank'],c['kv_lora_rank'],c['qk_nope_head_dim'],c['qk_rope_head_dim'],c['v_head_dim'])
fk=c['first_k_dense_replace']
dense=a+2*d+swiglu(d,c['intermediate_size'])
sp=a+2*d+moe(d,c['n_routed_experts'],c['moe_intermediate_size'],c['n_shared_experts'])
main=fk*dense+(L-fk)*sp+2*V*d+d
mtp_unique=sp+2*d+2*d*d+d   # enorm,hnorm,eh_proj,shared_head.norm
copies=2*V*d
tot=main+mtp_unique+copies
print('attn',a,'dense',dense,'sparse',sp)
print('main',main,'mtp_unique',mtp_unique,'copies',copies,'total',tot, CK[n]['checkpoint_params'], tot-CK[n]['checkpoint_params'])
