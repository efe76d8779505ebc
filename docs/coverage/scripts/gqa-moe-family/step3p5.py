import json
c=json.load(open('/work/shared/corpus/configs/stepfun-ai__Step-3.5-Flash.json'))
d=c['hidden_size'];V=c['vocab_size'];L=c['num_hidden_layers'];dh=c['head_dim']
E=c['moe_num_experts'];de=c['moe_intermediate_size'];ds=c['share_expert_dim'];dff=c['intermediate_size']
moe_layers=set(int(x) for x in c['moe_layers_enum'].split(','))
oth=c['attention_other_setting'];nm=c['num_nextn_predict_layers']
print(c['layer_types'][L:], len(c['layer_types']))
def layer(i):
    if c['layer_types'][i]==oth['attention_type']:
        H,G,hd=oth['num_attention_heads'],oth['num_attention_groups'],oth['head_dim']
    else:
        H,G,hd=c['num_attention_heads'],c['num_attention_groups'],dh
    attn=d*H*hd+2*d*G*hd+H*hd*d+2*hd+(d*H if c['use_head_wise_attn_gate'] else 0)
    ffn=(E*d+E+E*3*d*de+3*d*ds) if i in moe_layers else 3*d*dff
    return attn+ffn+2*d
main=sum(layer(i) for i in range(L))+2*V*d+d
T=199384301376
print('main',main,'resid',T-main)
mtp=sum(layer(i)+2*d*d+2*d for i in range(L,L+nm))  # block + eh_proj + enorm,hnorm
r=T-main-mtp
print('after mtp blocks',r, r/d, r/(V*d), (r-nm*d)/(V*d))
