"""RNGStateHook: validation leaves the training random stream where it was."""
import random

import numpy as np
import torch

from mmavssl.engine.hooks import RNGStateHook


def test_validation_draws_do_not_shift_the_training_stream():
    hook = RNGStateHook()
    torch.manual_seed(0), np.random.seed(0), random.seed(0)
    expected = torch.rand(3), np.random.rand(3), random.random()
    torch.manual_seed(0), np.random.seed(0), random.seed(0)
    hook.before_val(None)
    torch.rand(5), np.random.rand(5), random.random()  # what validation draws (iterator seeds, transforms)
    hook.after_val(None)
    got = torch.rand(3), np.random.rand(3), random.random()
    assert torch.equal(got[0], expected[0]) and np.array_equal(got[1], expected[1]) and got[2] == expected[2]
