import json
cfg=json.load(open('/work/shared/corpus/configs/MiniMaxAI__MiniMax-M3.json'))
c=cfg['text_config']; sa=c['sparse_attention_config']
d=c['hidden_size'];H=c['num_attention_heads'];Hkv=c['num_key_value_heads'];dh=c['head_dim']
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['num_local_experts'];de=c['intermediate_size']
dff=c['dense_intermediate_size'];ds=c['shared_intermediate_size']*c['n_shared_experts']
attn=d*H*dh+2*d*Hkv*dh+H*dh*d+2*dh       # q,k,v,o, q_norm,k_norm (per_head)
idx=d*sa['sparse_num_index_heads']*sa['sparse_index_dim']+d*sa['sparse_index_dim']+2*sa['sparse_index_dim']  # index_q_proj,index_k_proj,index_q_norm,index_k_norm
text=2*V*d+d
for i in range(L):
    moe=c['moe_layer_freq'][i]==1
    ffn=(E*d+E+E*3*d*de+3*d*ds) if moe else 3*d*dff
    text+=attn+2*d+ffn+(idx if (sa['use_sparse_attention'] and sa['sparse_attention_freq'][i]==1) else 0)
v=cfg['vision_config']; dv=v['hidden_size'];Lv=v['num_hidden_layers'];fv=v['intermediate_size'];p=v['patch_size'];C=v['num_channels']
tp=cfg['img_token_compression_config']['temporal_patch_size'];m=cfg['img_token_compression_config']['spatial_merge_size']
vis=dv*C*tp*p*p + 2*dv                                  # patch_embedding (no bias) + pre_layrnorm
vis+=Lv*(4*(dv*dv+dv)+ (dv*fv+fv)+(fv*dv+dv) + 4*dv)   # q,k,v,out(+b), fc1,fc2(+b), 2 LayerNorm(w,b)
P=cfg['projector_hidden_size']
proj=(dv*P+P)+(P*P+P)                                   # multi_modal_projector linear_1, linear_2
merge=(m*m*P*P+P)+(P*P+P)                               # patch_merge_mlp linear_1 [P, m^2 P], linear_2
T=427040140160
print('text',text,'vision',vis,'proj+merge',proj+merge,'whole',text+vis+proj+merge,'resid',T-(text+vis+proj+merge))
