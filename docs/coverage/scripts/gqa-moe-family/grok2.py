import json
c=json.load(open('/work/shared/corpus/configs/xai-org__grok-2.json'))
d=c['hidden_size'];H=c['num_attention_heads'];Hkv=c['num_key_value_heads'];dh=c['head_dim']
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['num_local_experts'];de=c['moe_intermediate_size'];dff=c['intermediate_size']
attn=d*(H+2*Hkv)*dh+H*dh*d
layer=attn+4*d+E*d+E*3*d*de+(3*d*dff if c.get('residual_moe') else 0)
tot=L*layer+2*V*d+d
print('grok-2',tot, 'active per token', L*(attn+4*d+E*d+c['num_experts_per_tok']*3*d*de+3*d*dff)+2*V*d+d)
