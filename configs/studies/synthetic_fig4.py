# Paper Fig. 4 in miniature (docs/results.md): accuracy against the confidence threshold tau for the method with a
# fixed and with a flexible (FlexMatch) threshold, 1-shot, one seed: the paper's method as written
# (asl_flexmatch_1shot.py, asl_fixed_1shot.py: the fused teacher's confidence, no class-balanced selection, no
# L_swap). tau sets both the pseudo-label threshold of L_u and the indicator of L_mix (Eq. 10), as in the paper.
# Same study root and fine-tuning recipe as synthetic_table2.py.
_base_ = ['./_base_/synthetic_fine_tune.py']
seeds = [0]
_taus = (0.3, 0.5, 0.7, 0.9, 0.95)
_common = _base_.asl_1shot
_threshold_key = dict(flexible='model.threshold.p_cutoff', fixed='model.threshold.tau')
_config = dict(flexible='configs/synthetic/asl_flexmatch_1shot.py', fixed='configs/synthetic/asl_fixed_1shot.py')

entries = [
    dict(name=f'asl_{kind}_tau={tau}', config=_config[kind], group=kind, x=tau,
         cfg_options={**_common, _threshold_key[kind]: tau, 'model.mix_loss.tau_mix': tau})
    for kind in ('fixed', 'flexible') for tau in _taus
]
