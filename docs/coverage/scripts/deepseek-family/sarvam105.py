from common import *
n='sarvamai__sarvam-105b.json'
c=load(n)
d,H,V,L=c['hidden_size'],c['num_attention_heads'],c['vocab_size'],c['num_hidden_layers']
rq=c.get('q_lora_rank')  # absent -> None -> full q_proj
a=mla(d,H,rq,c['kv_lora_rank'],c['qk_nope_head_dim'],c['qk_rope_head_dim'],c['v_head_dim'])
fk=c['first_k_dense_replace']
dense=a+2*d+swiglu(d,c['intermediate_size'])
sp=a+2*d+moe(d,c['num_experts'],c['moe_intermediate_size'],c['num_shared_experts'],router_bias=c['moe_router_enable_expert_bias'])
main=fk*dense+(L-fk)*sp+2*V*d+d
print('attn',a,'dense',dense,'sparse',sp)
print('main',main,CK[n]['checkpoint_params'],main-CK[n]['checkpoint_params'])
