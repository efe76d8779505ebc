"""Motif-3 (model_type "Motif"): tensors per the MLX port of the reference modeling_motif.py (stored public file, see doc)."""
import json
C='/work/shared/corpus/configs/'; CK=json.load(open('/work/shared/corpus/checkpoints.json'))
f='Motif-Technologies__Motif-3-Beta.json'; c=json.load(open(C+f))
d,V,L=c['hidden_size'],c['vocab_size'],c['num_hidden_layers']
H,Hkv,Hn,dh,dr,dv=c['num_attention_heads'],c['num_key_value_heads'],c['num_noise_heads'],c['head_dim'],c['qk_rope_head_dim'],c['v_head_dim']
rq,rkv=c['q_lora_rank'],c['kv_lora_rank']; Hs=H-Hn; dn=dh-dr
E,de,ns,ff=c['num_experts'],c['moe_intermediate_size'],c['num_shared_experts'],c['intermediate_size']
X=c['mhc_expansion_rate']
attn = d*rq + rq + rq*H*dh + rq*Hs*dv + d*(rkv+dr) + rkv + rkv*Hkv*(dn+dv) + d*Hs + Hs*dv*d
mhc = X*d*X + X*d*X + X*d*X*X + X*d + X + X + X*X + 3        # proj_pre, proj_post, proj_res, rms_norm, bias_pre/post/res, alpha_pre/post/res
poly = 3+1                                                      # PolyNorm weight[3], bias[1]
dense = 3*d*ff + poly
moe = E*d + E + E*2*de*d + E*d*de + E*3 + E*1 + 3*d*de*ns + poly   # router, expert_bias, gate_up, down, per-expert PolyNorm, shared expert (+its PolyNorm)
def layer(i):
    is_moe = i>=c['n_dense_first_layers'] and c['interleave_moe_layer_step']!=0 and (i+1)%c['interleave_moe_layer_step']==0
    return attn + 2*d + 2*mhc + (moe if is_moe else dense)
main = V*d + sum(layer(i) for i in range(L)) + d + V*d
tgt=CK[f]['checkpoint_params']
print('attn',attn,'mhc',mhc,'moe layer',layer(5),'dense layer',layer(0))
print('main',main,'target',tgt,'residual (MTP block)',tgt-main)
r=tgt-main
for name,val in [('moe layer',layer(5)),('dense layer',layer(0))]:
    print(' residual - ',name, r-val, (r-val)/d)
# MTP block (MotifMTP, model.mtp_layers.0.*): embed_norm, input_proj [d,2d], input_layernorm, GDLA attention,
# post_attention_layernorm, dense PolyNorm MLP (intermediate_size), final_layernorm. No mHC, no embedding/head copy.
mtp = c['num_nextn_predict_layers']*(d + 2*d*d + d + attn + d + dense + d)
print('mtp',mtp,'whole',main+mtp,'target',tgt,'diff',main+mtp-tgt)
