"""The Spec is plain data: it reads back as itself."""

from __future__ import annotations

import json

from zoo.spec import Layout, Scaling, Spec, Tokenization


def test_a_spec_is_plain_data_that_reads_back_as_itself():
    spec = Spec(Layout("sequence", "single"), "tokens", 4, "value", 1, input_vocab=["a"],
                tokenization=Tokenization("word", normalize="eng_fra", max_len=3),
                feature_scaling=Scaling([1.0], [2.0]), target_scaling=Scaling([0.5], [4.0]),
                stateful=True)
    assert Spec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
