import json
c=json.load(open('/work/shared/corpus/configs/allenai__OLMoE-1B-7B-0924.json'))
d=c['hidden_size'];H=c['num_attention_heads'];Hkv=c['num_key_value_heads'];dh=d//H
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['num_experts'];de=c['intermediate_size']
attn=d*H*dh+2*d*Hkv*dh+H*dh*d + H*dh + Hkv*dh  # q,k,v,o + q_norm,k_norm (full width)
layer=attn+2*d+E*d+E*3*d*de
tot=L*layer+2*V*d+d
print(tot, tot-6919161856)
