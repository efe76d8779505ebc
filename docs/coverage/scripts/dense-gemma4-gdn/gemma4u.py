"""gemma4_unified: text = Gemma4 text rules (no PLE/MoE/KV sharing here) + encoder-free vision/audio embedders (modular_gemma4_unified.py)."""
import json
import gemma4 as G
C='/work/shared/corpus/configs/'; CK=json.load(open('/work/shared/corpus/checkpoints.json'))
f='google__gemma-4-12B-it.json'; c=json.load(open(C+f)); t=c['text_config']; v=c['vision_config']; a=c['audio_config']
d=t['hidden_size']
text=G.text(t)            # embed (tied), 48 layers (q/k[/v]/o, q_norm,k_norm, 4 norms, layer_scalar, MLP), final norm
P=(v['patch_size']*v['pooling_kernel_size'])**2*3; E=v['mm_embed_dim']
vis = 2*P + P*E + E + 2*E + v['mm_posemb_size']*2*E + 2*E + v['output_proj_dims']*d   # patch_ln1, patch_dense(+b), patch_ln2, pos_embedding, pos_norm, embedding_projection
aud = a['audio_embed_dim']*d                                                              # embed_audio.embedding_projection (norm weightless)
tot=text+vis+aud; tgt=CK[f]['checkpoint_params']
print('text',text,'embed_vision',vis,'embed_audio',aud,'total',tot,'target',tgt,'diff',tot-tgt)
