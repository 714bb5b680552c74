# Table 2 "AV + TubeToken": the audio-visual mean teacher of asl.py with SVFormer's TubeToken mixup (one random
# tube mask per batch, lam ~ Beta(10, 10)) instead of ASL-guided mixup, and so without a localizer.
# An override of a family base's model (whose method is asl.py), put over it by the config: `model = _base_.tubetoken`.
# L_c stays as the family base has it (gamma3 = 0.1, Table 2 "+ L_c"); the row without it sets gamma3 = 0.
tubetoken = dict(mixer=dict(_delete_=True, type='TubeTokenMixup', alpha=10, share_across_batch=True), localizer=None)
