# Paper Table 2 in miniature on the synthetic set (docs/results.md), run with tools/analysis/synthetic_study.sh.
# Every semi-supervised row starts from the supervised-only run of the same seed (a supervised warm-up, as the
# main job; docs/method.md) with the recipe of _base_/synthetic_fine_tune.py.
_base_ = ['./_base_/synthetic_fine_tune.py']
seeds = [0, 1, 2]
_c = 'configs/synthetic/'
_fine_tune, _start, _localizer = _base_.fine_tune, _base_.start, _base_.localizer
_av_1shot, _video_1shot = _start['supervised_av_1shot'], _start['supervised_video_1shot']

# Ordered by what the comparison needs first (run_benchmark runs every seed of an entry before the next entry),
# so a study stopped early still has the method, its start and the baselines it is compared with.
entries = [
    dict(name='supervised_av_1shot', config=_c + 'supervised_av_1shot.py', group='1-shot'),
    # also against TubeToken + L_c: the paper's +4.8 points of ASL over TubeToken, paired seed by seed
    dict(name='asl_1shot', config=_c + 'asl_1shot.py', group='1-shot', cfg_options=_base_.asl_1shot,
         paired_with=['supervised_av_1shot', 'av_tubetoken_1shot']),
    dict(name='av_tubetoken_1shot', config=_c + 'av_tubetoken_1shot.py', group='1-shot',
         cfg_options=dict(_fine_tune, load_from=_av_1shot), paired_with='supervised_av_1shot'),
    dict(name='supervised_video_1shot', config=_c + 'supervised_video_1shot.py', group='1-shot'),
    dict(name='svformer_flex_1shot', config=_c + 'svformer_flex_1shot.py', group='1-shot',
         cfg_options=dict(_fine_tune, load_from=_video_1shot), paired_with='supervised_video_1shot'),
    dict(name='asl_nolc_1shot', config=_c + 'asl_nolc_1shot.py', group='1-shot', cfg_options=_base_.asl_1shot,
         paired_with='supervised_av_1shot'),
    dict(name='av_tubetoken_nolc_1shot', config=_c + 'av_tubetoken_nolc_1shot.py', group='1-shot',
         cfg_options=dict(_fine_tune, load_from=_av_1shot), paired_with='supervised_av_1shot'),
    dict(name='svformer_fixed_1shot', config=_c + 'svformer_fixed_1shot.py', group='1-shot',
         cfg_options=dict(_fine_tune, load_from=_video_1shot), paired_with='supervised_video_1shot'),
    dict(name='supervised_av_5shot', config=_c + 'supervised_av_5shot.py', group='5-shot'),
    dict(name='asl_5shot', config=_c + 'asl_5shot.py', group='5-shot',
         cfg_options={**_fine_tune, 'load_from': _start['supervised_av_5shot'],
                      'model.localizer.checkpoint': _localizer}, paired_with='supervised_av_5shot'),
]
