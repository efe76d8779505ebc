import json
c=json.load(open('/work/shared/corpus/configs/tencent__Hy3-preview.json'))
d=c['hidden_size'];H=c['num_attention_heads'];Hkv=c['num_key_value_heads'];dh=c['head_dim']
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['num_experts'];de=c['moe_intermediate_size']
dff=c['intermediate_size'];ns=c['num_shared_experts'];kd=c['first_k_dense_replace'];nm=c['num_nextn_predict_layers']
attn=d*H*dh+2*d*Hkv*dh+H*dh*d+2*dh
moe=E*d+E+E*3*d*de+3*d*de*ns
main=kd*(attn+2*d+3*d*dff)+(L-kd)*(attn+2*d+moe)+2*V*d+d
T=298786155776
print('main',main,'resid',T-main)
mtp_layer=attn+2*d+moe
r=T-main-nm*mtp_layer
print('after one MoE layer',r, r/d, (r-2*d*d)/d, (r-2*d*d-2*V*d)/d)
