# Paper Table 2 in miniature on the synthetic set (docs/results.md), run with tools/analysis/synthetic_study.sh.
# Every semi-supervised row starts from the supervised-only run of the same seed (a supervised warm-up, as the
# main job; docs/method.md) and fine-tunes at a 5x lower learning rate than its config's from-scratch one.
# The ASL rows read the localizer that synthetic_study.sh trains into <work-dir>/localizer first.
seeds = [0, 1, 2]
_c = 'configs/synthetic/'
_av_1shot = '{work_dir}/supervised_av_1shot/seed{seed}/iter_2000.pth'
_video_1shot = '{work_dir}/supervised_video_1shot/seed{seed}/iter_2000.pth'
_av_5shot = '{work_dir}/supervised_av_5shot/seed{seed}/iter_2000.pth'
_localizer = '{work_dir}/localizer/localizer.pth'
_fine_tune = {'optim_wrapper.optimizer.lr': 2e-4}

entries = [
    dict(name='supervised_av_1shot', config=_c + 'supervised_av_1shot.py', group='1-shot'),
    dict(name='supervised_video_1shot', config=_c + 'supervised_video_1shot.py', group='1-shot'),
    dict(name='svformer_fixed_1shot', config=_c + 'svformer_fixed_1shot.py', group='1-shot',
         cfg_options=dict(_fine_tune, load_from=_video_1shot)),
    dict(name='svformer_flex_1shot', config=_c + 'svformer_flex_1shot.py', group='1-shot',
         cfg_options=dict(_fine_tune, load_from=_video_1shot)),
    dict(name='av_tubetoken_nolc_1shot', config=_c + 'av_tubetoken_nolc_1shot.py', group='1-shot',
         cfg_options=dict(_fine_tune, load_from=_av_1shot)),
    dict(name='av_tubetoken_1shot', config=_c + 'av_tubetoken_1shot.py', group='1-shot',
         cfg_options=dict(_fine_tune, load_from=_av_1shot)),
    dict(name='asl_nolc_1shot', config=_c + 'asl_nolc_1shot.py', group='1-shot',
         cfg_options={**_fine_tune, 'load_from': _av_1shot, 'model.localizer.checkpoint': _localizer}),
    dict(name='asl_1shot', config=_c + 'asl_1shot.py', group='1-shot',
         cfg_options={**_fine_tune, 'load_from': _av_1shot, 'model.localizer.checkpoint': _localizer}),
    dict(name='supervised_av_5shot', config=_c + 'supervised_av_5shot.py', group='5-shot'),
    dict(name='asl_5shot', config=_c + 'asl_5shot.py', group='5-shot',
         cfg_options={**_fine_tune, 'load_from': _av_5shot, 'model.localizer.checkpoint': _localizer}),
]
