import json
f='meta-models__Muse-Glimmer-30B.json'
c=json.load(open('/work/shared/corpus/configs/'+f)); ck=json.load(open('/work/shared/corpus/checkpoints.json'))[f]
t=c['text_config']; v=c['vision_config']
d,V,L,ff,H,Hkv,dh=t['hidden_size'],t['vocab_size'],t['num_hidden_layers'],t['intermediate_size'],t['num_attention_heads'],t['num_key_value_heads'],t['head_dim']
layer=2*d*H*dh+2*d*Hkv*dh+H*dh*d+4*d+3*d*ff
text=L*layer+V*d+d+V*d
h,I,Lv=v['hidden_size'],v['intermediate_size'],v['num_hidden_layers']
vl=4*h+4*(h*h+h)+2*h*I+I+h
vis=v['patch_temporal']*3*v['patch_size']**2*h + v['pos_emb_height']*v['pos_emb_width']*h + 2*h + Lv*vl + 2*h
proj=c['out_hidden_size']*c['projector_hidden_size']+c['projector_hidden_size']**2+c['projector_hidden_size']*d
tot=text+vis+proj
print('text',text,'vision',vis,'proj',proj,'total',tot,'target',ck['checkpoint_params'],'diff',tot-ck['checkpoint_params'])
