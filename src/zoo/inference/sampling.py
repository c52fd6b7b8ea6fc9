"""Samples from a trained model as text, for every topology that can generate:

- a language model (many_to_many on causal token data) continues a prompt;
- one_to_many spells a sequence for a condition (a label name such as `Russian`, or numbers),
  optionally starting with a given prefix;
- seq2seq turns a source text (the prompt) into a target text, e.g. a translation.

`zoo-sample` prints them; the samples callback logs them during validation. Every topology
that generates speaks one protocol and `model.generate()` is its one driver
(`zoo.topologies.generation`); whether a model can is asked of the model (`can_generate`,
`continues_prompts()`).
"""

from __future__ import annotations

import torch
from lightning_fabric.utilities.seed import max_seed_value, min_seed_value

from zoo.config.check import check_option
from zoo.data.preprocess.codec import TextCodec
from zoo.errors import ZooError
from zoo.spec import Spec
from zoo.task.module import SequenceTask


def is_language_model(task: SequenceTask) -> bool:
    """Whether the model continues a prompt (many_to_many on causal token data)."""
    return task.model.continues_prompts()


def can_sample(task: SequenceTask) -> bool:
    return bool(task.model.can_generate) or is_language_model(task)


def check_can_sample(task: SequenceTask, where: str) -> None:
    if not can_sample(task):
        name = type(task.model).name
        raise ZooError(
            f"{where} is a topology={name} model ({type(task.model).about}), which cannot "
            "generate; zoo-sample needs a language model (many_to_many on causal data), "
            "one_to_many or seq2seq (use zoo-predict for this one)."
        )


def condition_names(spec: Spec) -> list[str]:
    return list(spec.input_vocab or [str(i) for i in range(spec.input_size)])


def condition_tensor(spec: Spec, condition: str | None, rows: int) -> torch.Tensor:
    """A one_to_many condition: a label name (or id) for label input, numbers for features."""
    if spec.input_kind == "features":
        values = _numbers(condition, spec.input_size)
        return torch.tensor([values] * rows, dtype=torch.float32)
    names = condition_names(spec)
    valid = ", ".join(names)
    if condition is None or str(condition) == "":
        raise ZooError(f"this model generates for a condition; give condition=<one of: {valid}>.")
    text = str(condition)
    lowered = [n.lower() for n in names]
    if text in names:
        label = names.index(text)
    elif text.lower() in lowered:
        label = lowered.index(text.lower())
    else:
        raise ZooError(f"condition={text!r} is not one of the model's conditions: {valid}.")
    return torch.full((rows,), label, dtype=torch.long)


def _numbers(text: str | None, size: int) -> list[float]:
    parts = str(text or "").replace(",", " ").split()
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != size:
        raise ZooError(
            f"this model's condition is {size} numbers; give condition=\"x1,...,"
            f'x{size}" (got {text!r}).'
        )
    return values


def generate_after_prefix(
    model,
    batch: dict,
    prefix: list[int],
    max_len: int,
    beam: int = 1,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> list[list[int]]:
    """The model's output that starts with `prefix` (the prefix not included)."""
    return model.generate(batch, max_len, beam=beam, temperature=temperature, top_k=top_k,
                          greedy=temperature <= 0, generator=generator, prefix=prefix)


def _lm_start(spec: Spec, codec: TextCodec) -> list[int]:
    """Where an unprompted language model starts: a line break, else the begin token."""
    if "\n" in codec.index:
        return [codec.index["\n"]]
    if spec.bos_id is not None:
        return [spec.bos_id]
    raise ZooError('this language model needs a start; give prompt="some text".')


def check_sampling(n, temperature, top_k, beam, max_len, seed) -> None:
    """Refuse a sampling option that cannot sample (zoo-sample asks before loading the run):
    a count below 1, a negative temperature (0 is greedy), top_k below 1 (null: all)."""
    check_option("n", n, {"low": 1}, whole=True)
    check_option("temperature", temperature, {"low": 0})
    check_option("top_k", top_k, {"low": 1}, whole=True, optional=True)
    check_option("beam", beam, {"low": 1}, whole=True)
    check_option("max_len", max_len, {"low": 1}, whole=True)
    check_option("seed", seed, {"low": min_seed_value, "high": max_seed_value}, whole=True)


@torch.no_grad()
def sample_texts(
    task: SequenceTask,
    prompt: str = "",
    condition: str | None = None,
    n: int = 5,
    temperature: float = 1.0,
    top_k: int | None = None,
    beam: int = 1,
    max_len: int = 100,
    seed: int = 0,
    where: str = "the checkpoint",
) -> list[str]:
    """`n` samples (one with beam search, which is deterministic) as text."""
    check_sampling(n, temperature, top_k, beam, max_len, seed)
    check_can_sample(task, where)
    model, spec = task.model, task.spec
    rows = 1 if beam > 1 else n
    generator = torch.Generator().manual_seed(int(seed))
    options = {"beam": beam, "temperature": temperature, "top_k": top_k, "generator": generator}
    target = TextCodec.for_target(spec)
    prefix: list[int] = []  # output tokens given, not generated
    if is_language_model(task):
        codec = TextCodec.for_input(spec)
        ids = codec.encode(prompt) if prompt else _lm_start(spec, target)
        if not ids:
            raise ZooError(f"prompt={prompt!r} holds no token of the model's vocabulary.")
        if prompt:
            codec.warn_if_unknown(ids, "the prompt")
        batch, shown = {"x": torch.tensor([ids] * rows)}, ids
    elif spec.layout.input == "single":  # a condition (one_to_many), not a source text
        prefix = shown = target.encode(prompt) if prompt else []
        target.warn_if_unknown(prefix, "the prompt")
        batch = {"x": condition_tensor(spec, condition, rows)}
    else:
        codec = TextCodec.for_input(spec)
        source = codec.encode(prompt)
        if not source:
            raise ZooError('this model turns a source text into a target text; give prompt="...".')
        codec.warn_if_unknown(source, "the prompt")
        batch = {"x": torch.tensor([source] * rows), "x_len": torch.full((rows,), len(source))}
        shown = []
    found = generate_after_prefix(model, batch, prefix, max_len, **options)
    return [target.decode(shown + seq) for seq in found]  # with the prompt or prefix shown


def describe_inputs(spec: Spec, batch: dict) -> list[str]:
    """Each example's input as text: tokens decoded, a label's name, or its numbers."""
    x = batch["x"]
    if spec.input_kind == "label":
        names = condition_names(spec)
        return [names[int(i)] for i in x]
    if spec.input_kind == "features":
        return [" ".join(f"{v:.3g}" for v in row.flatten().tolist()[:16]) for row in x]
    codec = TextCodec.for_input(spec)
    lengths = batch.get("x_len")
    return [
        codec.decode(row[: int(lengths[i])].tolist() if lengths is not None else row.tolist())
        for i, row in enumerate(x)
    ]


@torch.no_grad()
def validation_samples(
    task: SequenceTask,
    batch: dict,
    max_len: int,
    prompt_len: int,
    temperature: float,
    generator: torch.Generator,
) -> list[tuple[str, str, str]]:
    """(input, generated, reference) for each example of `batch`: a language model
    continues the first `prompt_len` tokens; decoders generate from the whole input."""
    spec = task.spec
    target = TextCodec.for_target(spec)
    if is_language_model(task):
        if batch.get("x_len") is not None:  # a prompt of real tokens only
            prompt_len = min(prompt_len, int(batch["x_len"].min()))
        y = batch["y"][:, prompt_len - 1 : prompt_len - 1 + max_len]
        refs = [target.decode(row.tolist()) for row in y]
        batch = {"x": batch["x"][:, :prompt_len]}
        prompts = [target.decode(row.tolist()) for row in batch["x"]]
    else:
        prompts = describe_inputs(spec, batch)
        lengths = batch.get("y_len")
        refs = [
            target.decode(row[: int(lengths[i])].tolist() if lengths is not None else row.tolist())
            for i, row in enumerate(batch["y"])
        ]
    found = task.model.generate(batch, max_len, temperature=temperature,
                                greedy=temperature <= 0, generator=generator)
    return [(p, target.decode(seq), r) for p, seq, r in zip(prompts, found, refs, strict=True)]
