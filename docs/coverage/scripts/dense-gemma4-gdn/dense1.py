import json
C='/work/shared/corpus/configs/'
ck=json.load(open('/work/shared/corpus/checkpoints.json'))
def cfg(f): return json.load(open(C+f))
def rep(f,n):
    t=ck[f]['checkpoint_params']; print(f, n, t, n==t, n-t)
# olmo3
c=cfg('allenai__Olmo-3-1025-7B.json')
d,V,L,ff,H,Hkv=c['hidden_size'],c['vocab_size'],c['num_hidden_layers'],c['intermediate_size'],c['num_attention_heads'],c['num_key_value_heads']
dh=d//H
layer=d*H*dh+2*d*Hkv*dh+H*dh*d + H*dh+Hkv*dh + 2*d + 3*d*ff
n=L*layer+2*V*d+d
rep('allenai__Olmo-3-1025-7B.json',n)
# granite
c=cfg('ibm-granite__granite-4.1-30b.json')
d,V,L,ff,H,Hkv=c['hidden_size'],c['vocab_size'],c['num_hidden_layers'],c['intermediate_size'],c['num_attention_heads'],c['num_key_value_heads']
dh=d//H
layer=d*H*dh+2*d*Hkv*dh+H*dh*d + 2*d + 3*d*ff
n=L*layer+V*d+d
rep('ibm-granite__granite-4.1-30b.json',n)
# nanbeige
f='Nanbeige__Nanbeige4.2-3B.json'; c=cfg(f)
d,V,L,ff,H,Hkv,dh=c['hidden_size'],c['vocab_size'],c['num_hidden_layers'],c['intermediate_size'],c['num_attention_heads'],c['num_key_value_heads'],c['head_dim']
layer=d*H*dh+2*d*Hkv*dh+H*dh*d + 2*d + 3*d*ff
n=L*layer+2*V*d+d
rep(f,n); print('nanbeige residual/d', (ck[f]['checkpoint_params']-n)/d)
# gpt-neox
f='EleutherAI__gpt-neox-20b.json'; c=cfg(f)
d,V,L,ff,H=c['hidden_size'],c['vocab_size'],c['num_hidden_layers'],c['intermediate_size'],c['num_attention_heads']
layer=d*3*d+3*d + d*d+d + 2*d*ff+ff+d + 4*d
n=L*layer+2*V*d+2*d
rep(f,n)
dh=d//H; rot=int(dh*c['rotary_pct']); print('inv_freq per layer', rot//2, 'mask', c['max_position_embeddings']**2)
print('hub - n', ck[f]['hub_total']-n, 'buffers', L*(c['max_position_embeddings']**2+rot//2))
# ouro
f='ByteDance__Ouro-2.6B-Thinking.json'; c=cfg(f)
d,V,L,ff,H,Hkv,dh=c['hidden_size'],c['vocab_size'],c['num_hidden_layers'],c['intermediate_size'],c['num_attention_heads'],c['num_key_value_heads'],c['head_dim']
layer=d*H*dh+2*d*Hkv*dh+H*dh*d + 2*d + 3*d*ff
n=L*layer+2*V*d+d
rep(f,n); r=ck[f]['checkpoint_params']-n; print('ouro residual', r, r/d, (r-1)/d)
