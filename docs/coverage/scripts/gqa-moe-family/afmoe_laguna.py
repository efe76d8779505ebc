import json
def load(n): return json.load(open('/work/shared/corpus/configs/'+n))
# afmoe
c=load('arcee-ai__Trinity-Large-Base.json')
d=c['hidden_size'];H=c['num_attention_heads'];Hkv=c['num_key_value_heads'];dh=c['head_dim']
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['num_experts'];de=c['moe_intermediate_size']
dff=c['intermediate_size'];ns=c['num_shared_experts'];kd=c['num_dense_layers']
attn=d*H*dh+2*d*Hkv*dh+H*dh*d + d*H*dh + 2*dh   # q,k,v,o, gate_proj, q_norm,k_norm
norms=4*d
dense=3*d*dff
moe=E*d+E+E*3*d*de+3*d*ns*de
tot=kd*(attn+norms+dense)+(L-kd)*(attn+norms+moe)+2*V*d+d
print('afmoe',tot,tot-398635286016)
# laguna
c=load('poolside__Laguna-XS.2.json')
d=c['hidden_size'];Hkv=c['num_key_value_heads'];dh=c['head_dim']
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['num_experts'];de=c['moe_intermediate_size']
dff=c['intermediate_size'];ds=c['shared_expert_intermediate_size']
tot=2*V*d+d
for i in range(L):
    Hl=c['num_attention_heads_per_layer'][i]
    attn=d*Hl*dh+2*d*Hkv*dh+Hl*dh*d + d*Hl + 2*dh  # q,k,v,o,g_proj(per head), q_norm,k_norm
    ffn=3*d*dff if c['mlp_layer_types'][i]=='dense' else E*d+E+E*3*d*de+3*d*ds
    tot+=attn+2*d+ffn
print('laguna',tot,tot-33442617088)
