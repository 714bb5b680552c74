# Fully supervised audio-visual training on the synthetic benchmark (train_all.txt, 1200 clips):
# _base_/synthetic_supervised.py as it is (both encoders from the source-set pretraining, batch 8, AdamW, 2000
# iterations).
_base_ = ['../_base_/synthetic_supervised.py']
