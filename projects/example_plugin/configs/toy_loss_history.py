# Example: use the plugin's LossHistoryHook on the toolbox's toy config (tests/data/configs/toy_iter.py).
# Run from the repository root with the plugin and the toy components importable:
#   PYTHONPATH=projects/example_plugin:tests/data python tools/train.py projects/example_plugin/configs/toy_loss_history.py
_base_ = ['../../../tests/data/configs/toy_iter.py']

custom_imports = dict(imports=['toy_components', 'example_plugin'], allow_failed_imports=False)
custom_hooks = [dict(type='LossHistoryHook', filename='loss_history.json')]
