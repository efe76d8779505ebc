from common import *
C=load('deepseek-ai__DeepSeek-V4.1-Flash.snapshot-trimmed.json'); c=C['text_config']
D=c['hidden_size'];H=c['num_attention_heads'];hd=c['head_dim'];qr=c['q_lora_rank'];G=c['o_groups'];Ro=c['o_lora_rank']
E=c['n_routed_experts'];I=c['moe_intermediate_size'];V=c['vocab_size'];L=c['num_hidden_layers'];hc=c['hc_mult']
Emtp=c['dspark_n_routed_experts'];nM=c['num_nextn_predict_layers']
Hi,hi=c['index_n_heads'],c['index_head_dim']
attn_lin=qr*D + H*hd*qr + hd*D + (G*Ro)*(H*hd//G) + D*(G*Ro)
shared=3*D*I
eng_rows=sum(c['engram_num_embeddings']); ngram_cols=(c['engram_max_ngram_size']-1)*c['engram_n_heads']
eng_wkv=ngram_cols*c['engram_head_dim']*D*(hc+1)
main_proj=D*len(c['dspark_target_layer_ids'])*D
F8_hub=204015223296; I8_hub=557171343360; BF_hub=1976441856; F32_hub=42307282
f8=(L+nM)*(attn_lin+shared)+len(c['engram_layer_ids'])*eng_wkv+main_proj+eng_rows*c['engram_head_dim']
print('F8 ours',f8,'hub',F8_hub,'diff',F8_hub-f8)
i8=L*E*3*D*I+nM*Emtp*3*D*I
print('I8 (logical FP4) ours',i8,'hub',I8_hub,'diff',I8_hub-i8)
mix=(2+hc)*hc; hcl=2*(mix*hc*D+mix+3)
f32=(L+nM)*(hcl+H)+L*E+nM*Emtp   # hc, attn_sink, gate.bias
print('F32 base',f32,'hub',F32_hub,'diff',F32_hub-f32, 'bias_vl candidate',L*E+nM*Emtp)
nkv=len(c['kv_source_layer_ids']); nidx=len(c['index_source_layer_ids'])
ratios=c['compress_ratios']; ngate=sum(1 for l in c['kv_source_layer_ids'] if ratios[l]>1)
r=c['dspark_markov_rank']
bf = 2*V*D + D
bf += (L+nM)*(2*D+qr+hd)
bf += L*E*D + nM*Emtp*D
bf += nkv*(hd*D+hd) + ngate*hd*D
bf += nidx*Hi*D + nkv*(hi*hd+hi)
bf += len(c['engram_layer_ids'])*2*hc*D
bf += 2*D + 2*V*r + (D+r)
print('BF16 text ours',bf,'hub',BF_hub,'residual (vision+aligner+image_* + unknown)',BF_hub-bf)
