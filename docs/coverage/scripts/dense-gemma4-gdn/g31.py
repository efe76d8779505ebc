from gemma4_31b_cfg import cfg
t=cfg['text_config']; v=cfg['vision_config']
d,V,ff=t['hidden_size'],t['vocab_size'],t['intermediate_size']
text=V*d+d
for lt in t['layer_types']:
    if lt=='full_attention':
        H,Hkv,dh=t['num_attention_heads'],t['num_global_key_value_heads'],t['global_head_dim']; kv=1
    else:
        H,Hkv,dh=t['num_attention_heads'],t['num_key_value_heads'],t['head_dim']; kv=2
    text+= d*H*dh + kv*d*Hkv*dh + H*dh*d + 2*dh + 4*d + 1 + 3*d*ff
h,I=v['hidden_size'],v['intermediate_size']; vdh=v['head_dim']; vH=v['num_attention_heads']
vis= 3*v['patch_size']**2*h + 2*v['position_embedding_size']*h + v['num_hidden_layers']*(4*h*vH*vdh + 2*vdh + 3*h*I + 4*h) + 2*h
emb=h*d
print(text,vis,emb,text+vis+emb, 31273088876, text+vis+emb-31273088876)
