import json
c=json.load(open('/work/shared/corpus/configs/zai-org__GLM-4.5.json'))
d=c['hidden_size'];H=c['num_attention_heads'];Hkv=c['num_key_value_heads'];dh=c['head_dim']
V=c['vocab_size'];L=c['num_hidden_layers'];E=c['n_routed_experts'];de=c['moe_intermediate_size']
dff=c['intermediate_size'];ns=c['n_shared_experts'];kd=c['first_k_dense_replace'];nmtp=c['num_nextn_predict_layers']
bias=c['attention_bias']
attn=d*H*dh+2*d*Hkv*dh+H*dh*d + (H*dh+2*Hkv*dh if bias else 0) + (2*dh if c['use_qk_norm'] else 0)
norms=2*d
dense=3*d*dff
moe=E*d+E+E*3*d*de+3*d*ns*de
main=kd*(attn+norms+dense)+(L-kd)*(attn+norms+moe)+2*V*d+d
mtp_unique=nmtp*(attn+norms+moe+2*d*d+3*d)  # eh_proj, enorm, hnorm, shared_head.norm
copies=nmtp*2*V*d
print('main',main,'mtp',mtp_unique,'copies',copies,'whole',main+mtp_unique+copies, main+mtp_unique+copies-358337791296)
