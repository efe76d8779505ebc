from common import *
n='meituan-longcat__LongCat-Flash-Lite.json'
c=load(n)
D,H,V,L=c['hidden_size'],c['num_attention_heads'],c['vocab_size'],c['num_layers']
a=mla(D,H,c['q_lora_rank'],c['kv_lora_rank'],c['qk_nope_head_dim'],c['qk_rope_head_dim'],c['v_head_dim'])
E,Z,de,ff=c['n_routed_experts'],c['zero_expert_num'],c['expert_ffn_hidden_size'],c['ffn_hidden_size']
router=(E+Z)*D + (E+Z)          # classifier (no bias: router_bias default False) + e_score_correction_bias, both fp32
layer = 2*a + 2*swiglu(D,ff) + E*3*D*de + router + 4*D   # 2 MLA, 2 dense MLPs, routed experts, router, 2x(input,post_attn) norms
k=c['emb_split_num']*(c['emb_neighbor_num']-1); ed=D//k; base=c['ngram_vocab_size_ratio']*V
ngram=sum((base+2*i+1)*ed for i in range(k)) + k*ed*D   # embedders + post_projs
main=L*layer + V*D + ngram + V*D + D                    # + embed_tokens, lm_head (untied), final norm
f32=L*router
print('attn',a,'layer',layer,'ngram',ngram)
print('main',main,CK[n]['checkpoint_params'],'diff',CK[n]['checkpoint_params']-main)
print('F32 ours',f32,'hub',16520448,'diff',16520448-f32)
# MTP module (not declared in config; vLLM longcat_flash_mtp.py checkpoint names model.mtp.*):
# own embed_tokens copy [V,D], eh_proj [D,2D], enorm, hnorm, one MLA, 2 norms, dense MLP (ffn_hidden_size), final norm.
mtp_unique = 2*D*D + 2*D + a + 2*D + swiglu(D,ff) + D
mtp_embed_copy = V*D
tot = main + mtp_unique + mtp_embed_copy
print('mtp unique',mtp_unique,'mtp embed copy',mtp_embed_copy,'total',tot,'checkpoint_params',CK[n]['checkpoint_params'],'diff',CK[n]['checkpoint_params']-tot)
