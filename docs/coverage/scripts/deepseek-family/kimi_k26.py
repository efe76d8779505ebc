from common import *
n='moonshotai__Kimi-K2.6.json'
C=load(n); c=C['text_config']; v=C['vision_config']
d,H,V,L=c['hidden_size'],c['num_attention_heads'],c['vocab_size'],c['num_hidden_layers']
a=mla(d,H,c['q_lora_rank'],c['kv_lora_rank'],c['qk_nope_head_dim'],c['qk_rope_head_dim'],c['v_head_dim'])
fk=c['first_k_dense_replace']
dense=a+2*d+swiglu(d,c['intermediate_size'])
sp=a+2*d+moe(d,c['n_routed_experts'],c['moe_intermediate_size'],c['n_shared_experts'])
text=fk*dense+(L-fk)*sp+2*V*d+d     # INT4 experts counted unpacked (logical), scales/weight_shape excluded
# MoonViT
h,f,Lv,p=v['vt_hidden_size'],v['vt_intermediate_size'],v['vt_num_hidden_layers'],v['patch_size']
blk=(3*h*h+3*h)+(h*h+h)+(h*f+f)+(f*h+h)+4*h   # wqkv, wo, fc0, fc1, norm0, norm1 (LayerNorm w+b)
vis=Lv*blk + 2*h + v['init_pos_emb_height']*v['init_pos_emb_width']*h + (3*p*p*h+h)
mk=v['merge_kernel_size']; m=h*mk[0]*mk[1]
proj=2*v['mm_hidden_size'] + (m*m+m) + (m*v['text_hidden_size']+v['text_hidden_size'])
tot=text+vis+proj
print('text',text,1026408232448,text-1026408232448)
print('vision',vis,416866032,vis-416866032)
print('projector',proj,54277888,proj-54277888)
print('total',tot,CK[n]['checkpoint_params'],tot-CK[n]['checkpoint_params'])
