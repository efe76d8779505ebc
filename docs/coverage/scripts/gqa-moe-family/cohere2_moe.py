import json
c=json.load(open('/work/shared/corpus/configs/CohereLabs__North-Mini-Code-1.0.json'))
d=c['hidden_size'];H=c['num_attention_heads'];Hkv=c['num_key_value_heads'];dh=c['head_dim']
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['num_experts'];de=c['intermediate_size']
dp=c['prefix_dense_intermediate_size'];kd=c['first_k_dense_replace'];ns=c['num_shared_experts']
attn=d*H*dh+2*d*Hkv*dh+H*dh*d
norm=d  # one input_layernorm (parallel block)
moe=E*d+E*3*d*de+ns*3*d*de
tot=kd*(attn+norm+3*d*dp)+(L-kd)*(attn+norm+moe)+V*d+d  # tied head
print(tot,tot-30484303872)
