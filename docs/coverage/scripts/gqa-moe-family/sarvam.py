import json
c=json.load(open('/work/shared/corpus/configs/sarvamai__sarvam-30b.json'))
d=c['hidden_size'];H=c['num_attention_heads'];Hkv=c['num_key_value_heads'];dh=c['head_dim']
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['num_experts'];de=c['moe_intermediate_size']
dff=c['intermediate_size'];ns=c['num_shared_experts'];kd=c['first_k_dense_replace']
attn=d*(H+2*Hkv)*dh + H*dh*d + 2*dh  # query_key_value, dense, query/key_layernorm
moe=E*d+E+E*3*d*de+3*d*de*ns  # gate.weight, gate.expert_bias, experts, shared_experts
tot=kd*(attn+2*d+3*d*dff)+(L-kd)*(attn+2*d+moe)+2*V*d+d
print(tot,tot-32152650368)
