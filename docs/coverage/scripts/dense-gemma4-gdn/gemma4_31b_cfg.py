# text/vision fields of google/gemma-4-31B-it as printed in gogongxt/python scripts/models/gemma_4_31b_it.md
cfg={"text_config":{"attention_k_eq_v":True,"enable_moe_block":False,"global_head_dim":512,"head_dim":256,"hidden_size":5376,"hidden_size_per_layer_input":0,
 "intermediate_size":21504,"layer_types":(["sliding_attention"]*5+["full_attention"])*10,"num_attention_heads":32,"num_global_key_value_heads":4,
 "num_hidden_layers":60,"num_key_value_heads":16,"num_kv_shared_layers":0,"tie_word_embeddings":True,"use_double_wide_mlp":False,"vocab_size":262144,"vocab_size_per_layer_input":262144},
 "vision_config":{"global_head_dim":72,"head_dim":72,"hidden_size":1152,"intermediate_size":4304,"num_attention_heads":16,"num_hidden_layers":27,"num_key_value_heads":16,
 "patch_size":16,"pooling_kernel_size":3,"position_embedding_size":10240,"standardize":True,"use_clipped_linears":False},"audio_config":None,"tie_word_embeddings":True}
