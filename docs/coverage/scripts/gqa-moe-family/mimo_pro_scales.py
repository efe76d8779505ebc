import json
from math import ceil
c=json.load(open('/work/shared/corpus/configs/XiaomiMiMo__MiMo-V2.5-Pro.json'))
d=c['hidden_size'];L=c['num_hidden_layers'];E=c['n_routed_experts'];de=c['moe_intermediate_size'];dff=c['intermediate_size']
H,Hkv,dk,dv=128,8,192,128
def sc(o,i): return ceil(o/128)*ceil(i/128)
for rows in (212,216):
    s=0
    for i in range(L+3):
        s+=rows*ceil(d/128)
        moe = i<L and c['moe_layer_freq'][i]==1
        s+= E*(2*sc(de,d)+sc(d,de)) if moe else 2*sc(dff,d)+sc(d,dff)
    print(rows,s,s-61877376)
