# Paper Fig. 5 in miniature (docs/results.md): accuracy against the number of frames that share one localization
# map (the map is averaged over groups of 1, 2, 4 or 8 of the clip's 8 frames before sampling the mask), 1-shot,
# one seed. Same study root and recipe as synthetic_table2.py, whose asl_1shot row is the 1-frame point.
_base_ = ['./_base_/synthetic_fine_tune.py']
seeds = [0]
_common = _base_.asl_1shot

entries = [dict(name='asl_1shot', config='configs/synthetic/asl_1shot.py', cfg_options=_common, x=1)] + [
    dict(name=f'asl_1shot_frames_per_map={n}', config='configs/synthetic/asl_1shot.py', x=n,
         cfg_options={**_common, 'model.mixer.frames_per_map': n}) for n in (2, 4, 8)]
