from common import *
n='mistralai__Mistral-Small-4-119B-2603.snapshot-trimmed.json'
C=load(n); c=C['text_config']; v=C['vision_config']
d,H,V,L=c['hidden_size'],c['num_attention_heads'],c['vocab_size'],c['num_hidden_layers']
a=mla(d,H,c['q_lora_rank'],c['kv_lora_rank'],c['qk_nope_head_dim'],c['qk_rope_head_dim'],c['v_head_dim'])
fk=c['first_k_dense_replace']
dense=a+2*d+swiglu(d,c['intermediate_size'])
# Mistral4TopkRouter: weight only, softmax scoring, NO e_score_correction_bias
sp=a+2*d+moe(d,c['n_routed_experts'],c['moe_intermediate_size'],c['n_shared_experts'],router_bias=False)
text=fk*dense+(L-fk)*sp+V*d*(1 if c['tie_word_embeddings'] else 2)+d
# Pixtral
h,f,Lv,p,hd,nh=v['hidden_size'],v['intermediate_size'],v['num_hidden_layers'],v['patch_size'],v['head_dim'],v['num_attention_heads']
blk=4*h*(nh*hd) + 3*h*f + 2*h          # q,k,v,o (no bias), gate/up/down (no bias), attention_norm, ffn_norm (RMS)
vis=v['num_channels']*p*p*h + h + Lv*blk   # patch_conv (no bias), ln_pre (RMS), layers
# Mistral3 projector (multimodal_projector_bias false)
s=C['spatial_merge_size']; dt=d; b=C['multimodal_projector_bias']
proj=h + (h*s*s)*h + (h*dt + (dt if b else 0)) + (dt*dt + (dt if b else 0))
tot=text+vis+proj
hub=CK[n]['hub_total']
print('attn',a,'sparse layer',sp)
print('text',text,'vision',vis,'projector',proj,'total',tot)
print('hub_total',hub,'hub - ours',hub-tot)
# FP8 bucket check: F8_E4M3 117,879,865,344 ; BF16 1,521,452,032
f8=117879865344; bf=1521452032
print('F8+BF16', f8+bf)
# Hypothesis: FP8 = every text Linear except lm_head and router gate (q_a,q_b,kv_a,kv_b,o, shared + routed experts)
rq,rkv,dn,dr,dv=c['q_lora_rank'],c['kv_lora_rank'],c['qk_nope_head_dim'],c['qk_rope_head_dim'],c['v_head_dim']
E,de=c['n_routed_experts'],c['moe_intermediate_size']
lin_attn=d*rq+rq*H*(dn+dr)+d*(rkv+dr)+rkv*H*(dn+dv)+H*dv*d
lin_ffn=E*3*d*de+3*d*de
f8_ours=L*(lin_attn+lin_ffn)
bf_ours=tot-f8_ours
print('F8 ours',f8_ours,'hub F8',f8,'diff',f8-f8_ours)
print('BF16 ours',bf_ours,'hub BF16',bf,'diff',bf-bf_ours, 'per layer', (bf-bf_ours)/L)
print('linears per layer (FP8):',5+3+3*E)
