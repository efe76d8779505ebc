from counts import *
from counts import _inkling_vision_dims
c=load('zai-org__GLM-4.5.json'); m,w=glm4_moe(c); cp=2*c['vocab_size']*c['hidden_size']*c['num_nextn_predict_layers']
print('glm4_moe main',f'{m:,}','mtp_unique',f'{w-m-cp:,}','copies',f'{cp:,}','params(main+mtp unique)',f'{w-cp:,}')
c=load('stepfun-ai__Step-3.5-Flash.json'); m,w=step3p5(c); cp=c['vocab_size']*c['hidden_size']*c['num_nextn_predict_layers']
print('step3p5 main',f'{m:,}','mtp_unique',f'{w-m-cp:,}','head copies',f'{cp:,}','params',f'{w-cp:,}')
c=load('tencent__Hy3-preview.json'); m,w=hy_v3(c); print('hy_v3 main',f'{m:,}','mtp',f'{w-m:,}')
c=load('XiaomiMiMo__MiMo-V2.5-Pro.json'); m,w=mimo_v2(c,3); print('mimo_v2 main',f'{m:,}','mtp(3, undeclared)',f'{w-m:,}')
c=load('XiaomiMiMo__MiMo-V2-Flash.snapshot-trimmed.json'); m,w=mimo_v2(c,3); print('mimo_v2_flash main',f'{m:,}','mtp(3, undeclared)',f'{w-m:,}', 'per layer', f'{(w-m)//3:,}')
cfg=load('MiniMaxAI__MiniMax-M3.json'); t,w=minimax_m3_vl(cfg); print('minimax text',f'{t:,}','towers',f'{w-t:,}')
cfg=load('thinkingmachines__Inkling.json'); t,w=inkling(cfg)
c=cfg['text_config']; a=cfg['audio_config']; d=c['hidden_size']
audio=a['n_mel_bins']*a['mel_vocab_size']*d+d; vis=_inkling_vision_dims(cfg['vision_config'],d)
print('inkling text',f'{t:,}','audio',f'{audio:,}','vision',f'{vis:,}','mtp',f'{w-t-audio-vis:,}','e_score buffers',(c['num_hidden_layers']-c['dense_mlp_idx'])*c['n_routed_experts'])
# fp32 bucket cross-checks
c=load('stepfun-ai__Step-3.5-Flash.json'); print('step3p5 F32 router_bias', len(c['moe_layers_enum'].split(','))*c['moe_num_experts'])
c=load('tencent__Hy3-preview.json'); print('hy_v3 F32', (c['num_hidden_layers']-1+c['num_nextn_predict_layers'])*c['num_experts'])
c=load('zai-org__GLM-4.5.json'); print('glm F32', (c['num_hidden_layers']-c['first_k_dense_replace']+1)*c['n_routed_experts'])
t=load('MiniMaxAI__MiniMax-M3.json'); c=t['text_config']; v=t['vision_config']
print('minimax F32', 57*(c['num_local_experts']*c['hidden_size']+c['num_local_experts']) + v['hidden_size']*3*2*14*14)
