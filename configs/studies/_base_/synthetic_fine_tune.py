# The recipe every semi-supervised row of the synthetic studies shares (docs/results.md): fine-tune the
# supervised-only run of the same seed (`{seed}`, `{work_dir}`: see docs/benchmark.md) at a 5x lower learning
# rate than the configs' from-scratch one; the ASL rows also read the localizer that
# tools/analysis/synthetic_study.sh trains into <work-dir>/localizer. Key order matters: run_benchmark compares
# a run's overrides, in order, with the ones it was started with.
fine_tune = {'optim_wrapper.optimizer.lr': 2e-4}
start = {run: '{work_dir}/' + run + '/seed{seed}/iter_600.pth'
         for run in ('supervised_av_1shot', 'supervised_video_1shot', 'supervised_av_5shot')}
localizer = '{work_dir}/localizer/localizer.pth'
asl_1shot = {**fine_tune, 'load_from': start['supervised_av_1shot'], 'model.localizer.checkpoint': localizer}
