import json
CFG='/work/shared/corpus/configs/'
CK=json.load(open('/work/shared/corpus/checkpoints.json'))
def load(name): return json.load(open(CFG+name))

def mla(d,H,rq,rkv,dn,dr,dv,bias=False):
    q = (d*rq + rq + rq*H*(dn+dr)) if rq else d*H*(dn+dr)
    return q + d*(rkv+dr) + rkv + rkv*H*(dn+dv) + H*dv*d
def swiglu(d,f): return 3*d*f
def moe(d,E,de,ns,router_bias=True, shared_width=None):
    sw = shared_width if shared_width is not None else ns*de
    return E*3*d*de + 3*d*sw + E*d + (E if router_bias else 0)
