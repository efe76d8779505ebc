"""DeepSeek-V4.1-Flash (deepseek_v41): logical parameter count from config fields.
Inventory from vLLM vllm/models/deepseek_v4_1/{attention.py,compressor.py,common/engram.py,
nvidia/model.py,nvidia/dspark.py,nvidia/vl_model.py} and vllm/models/deepseek_v4/common/vision.py."""
from common import *
n='deepseek-ai__DeepSeek-V4.1-Flash.snapshot-trimmed.json'
C=load(n); c=C['text_config']; v=C['vision_config']
D=c['hidden_size'];H=c['num_attention_heads'];hd=c['head_dim'];qr=c['q_lora_rank'];G=c['o_groups'];Ro=c['o_lora_rank']
E=c['n_routed_experts'];I=c['moe_intermediate_size'];V=c['vocab_size'];L=c['num_hidden_layers'];hc=c['hc_mult']
Em=c['dspark_n_routed_experts'];nM=c['num_nextn_predict_layers'];Hi,hi=c['index_n_heads'],c['index_head_dim']
ratios=c['compress_ratios']; kvsrc=c['kv_source_layer_ids']; idxsrc=c['index_source_layer_ids']
mix=(2+hc)*hc
# --- one block (backbone or DSpark stage), without compressor/indexer/engram ---
attn = qr*D + qr + H*hd*qr + hd*D + hd + (G*Ro)*(H*hd//G) + D*(G*Ro) + H   # wq_a,q_norm,wq_b,wkv,kv_norm,wo_a,wo_b,attn_sink
def moe(E_): return E_*3*D*I + 3*D*I + E_*D + E_ + E_   # experts, shared expert, gate.weight, gate.bias, gate.bias_vl
hcl = 2*(mix*hc*D + mix + 3)                                  # hc_attn/ffn fn, base, scale (fp32)
norms = 2*D
block = lambda E_: attn + moe(E_) + hcl + norms
# --- per-layer extras ---
compressor = lambda l: hd*D + (hd*D if ratios[l] > 1 else 0) + hd   # wkv, wgate (ratio>1 only), norm
indexer = lambda l: Hi*hi*qr + Hi*D + ((hi*hd + hi) if l in kvsrc else 0)  # wq_b, weights_proj, [wk, k_norm]
ncols=(c['engram_max_ngram_size']-1)*c['engram_n_heads']; ehd=c['engram_head_dim']
engram_table = lambda k: c['engram_num_embeddings'][k]*ehd
engram_rest = ncols*ehd*D*(hc+1) + 2*hc*D                            # wkv, q_weight, k_weight
main_layers = sum(block(E) + (compressor(l) if l in kvsrc else 0) + (indexer(l) if l in idxsrc else 0) for l in range(L))
engram_tables = sum(engram_table(k) for k in range(len(c['engram_layer_ids'])))
engram_other = len(c['engram_layer_ids'])*engram_rest
top = 2*V*D + D          # embed, head (untied), norm; V4.1 has no hc_head
text_main = main_layers + engram_tables + engram_other + top
r=c['dspark_markov_rank']
dspark = nM*block(Em) + D*len(c['dspark_target_layer_ids'])*D + D + D + 2*V*r + (D+r)  # stages, main_proj, main_norm, norm, markov w1/w2, confidence
vd,vi,vl,p,ds=v['hidden_size'],v['intermediate_size'],v['num_hidden_layers'],v['patch_size'],v['downsample_ratio']
vblk = 2*vd + (3*vd*vd+3*vd) + (vd*vd+vd) + 2*vi*vd + vi*vd
vision = (3*p*p*vd+vd) + vl*vblk + vd
aligner = (vd*ds*ds*D + D) + (D*D + D)
image_tokens = 3*D
total = text_main + dspark + vision + aligner + image_tokens
print('text main (incl. engram tables)', text_main)
print('  of which engram tables', engram_tables, ' engram other', engram_other)
print('  text main without engram tables', text_main-engram_tables)
print('DSpark MTP (3 stages + heads)', dspark)
print('vision tower', vision, 'aligner', aligner, 'image_start/end/newline', image_tokens)
print('whole checkpoint', total, 'hub_total', CK[n]['hub_total'], 'diff', CK[n]['hub_total']-total)
# dtype-bucket check against the Hub's per-dtype parameter counts
i8 = L*E*3*D*I + nM*Em*3*D*I
f8 = (L+nM)*(qr*D + H*hd*qr + hd*D + (G*Ro)*(H*hd//G) + D*(G*Ro) + 3*D*I) + len(idxsrc)*Hi*hi*qr \
     + len(c['engram_layer_ids'])*ncols*ehd*D*(hc+1) + D*3*D + engram_tables
f32 = (L+nM)*(hcl + H) + 2*(L*E + nM*Em)
bf16 = total - i8 - f8 - f32
for name,ours,hub in [('I8 (FP4, Hub counts 2/byte)',i8,557171343360),('F8_E4M3',f8,204015223296),('F32',f32,42307282),('BF16',bf16,1976441856)]:
    print(f'{name:30s} ours {ours:>16,} hub {hub:>16,} diff {hub-ours}')
