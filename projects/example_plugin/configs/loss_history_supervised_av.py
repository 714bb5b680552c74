# Example: the toolbox's supervised audio-visual config on the synthetic benchmark, plus the plugin's
# LossHistoryHook. Run from the repository root (projects/example_plugin/README.md):
#   PYTHONPATH=projects/example_plugin python tools/train.py projects/example_plugin/configs/loss_history_supervised_av.py
_base_ = ['../../../configs/synthetic/supervised_av.py']

custom_imports = dict(imports=['example_plugin'], allow_failed_imports=False)
custom_hooks = [dict(type='LossHistoryHook', filename='loss_history.json')]
