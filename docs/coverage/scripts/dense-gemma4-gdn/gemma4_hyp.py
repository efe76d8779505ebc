import json
import gemma4 as G
C='/work/shared/corpus/configs/'; CK=json.load(open('/work/shared/corpus/checkpoints.json'))
def shared_kv_tensors(t):
    d,L=t['hidden_size'],t['num_hidden_layers']; first=L-(t.get('num_kv_shared_layers') or 0); n=0
    for i,lt in enumerate(t['layer_types']):
        if i<first: continue
        full=lt=='full_attention'; dh=t['global_head_dim'] if full else t['head_dim']
        keqv=bool(t.get('attention_k_eq_v')) and full
        Hkv=t['num_global_key_value_heads'] if keqv else t['num_key_value_heads']
        n+= d*Hkv*dh*(1 if keqv else 2) + dh
    return n
def clip_scalars(c):
    n=0
    if c.get('vision_config') and c['vision_config'].get('use_clipped_linears'): n+=4*7*c['vision_config']['num_hidden_layers']
    if c.get('audio_config') and c['audio_config'].get('use_clipped_linears'): n+=4*10*c['audio_config']['num_hidden_layers']
    return n
from e4b_cfg import cfg as e4b, HUB
cases=[('E2B',json.load(open(C+'google__gemma-4-E2B-it.json')),CK['google__gemma-4-E2B-it.json']['checkpoint_params']),('E4B',e4b,HUB)]
for name,c,tgt in cases:
    base=sum(G.whole(c).values()); s=shared_kv_tensors(c['text_config']); k=clip_scalars(c)
    print(name,'model-def count',base,'| +stored shared-layer k/v/k_norm',s,'| rank-0 clip scalars',k)
    print('   base+s-k =',base+s-k,'target',tgt,'diff',base+s-k-tgt, '| base+s =',base+s,'diff',base+s-tgt)
