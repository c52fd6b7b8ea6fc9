"""Many-to-many, aligned: one output per input step (tagging, language modelling,
per-step regression). For a causal target (language modelling) it must be unidirectional.

On causal token data it is a language model: `generate` continues a prompt."""

from __future__ import annotations

from zoo.cells import build_stack
from zoo.errors import ZooError
from zoo.topologies.base import Topology
from zoo.topologies.layers import InputLayer, build_head
from zoo.topologies.lm_generation import continue_prompt


class ManyToMany(Topology):
    name = "many_to_many"
    accepts = ("sequence", "aligned")
    about = "a sequence to one output per step"
    truncatable = True

    @classmethod
    def allows_bidirectional(cls, layout):
        return not layout.causal

    @classmethod
    def bidirectional_refusal(cls, data_name):
        return (
            f"data={data_name} is a language-modelling target (each step predicts the next), "
            "so a bidirectional model would see the future; use direction=uni."
        )

    def __init__(self, spec, cell, direction, *, name: str, embedding_dim: int,
                 embedding_dropout: float, head):
        super().__init__()
        self.spec = spec
        self.input = InputLayer(spec, embedding_dim, embedding_dropout)
        self.encoder = build_stack(cell, direction, self.input.size)
        self.head = build_head(head, self.encoder.output_size, spec.target_size)

    def forward(self, batch, state=None):
        outputs, state = self.encoder(self.input(batch["x"]), batch.get("x_len"), state)
        return self.head(outputs), state

    @property
    def state_stack(self):
        return self.encoder

    def continues_prompts(self) -> bool:
        spec = self.spec
        return bool(spec.layout.causal and spec.input_kind == "tokens"
                    and spec.target_kind == "tokens")

    def generate(self, batch, max_len=50, beam=1, temperature=1.0, top_k=None, greedy=False,
                 generator=None) -> list[list[int]]:
        """The tokens that follow each prompt `batch["x"]` (B, P >= 1), up to the end token."""
        if not self.continues_prompts():
            raise ZooError(
                "topology=many_to_many generates only as a language model (token input, "
                "next-token targets)."
            )
        return continue_prompt(self, batch["x"], max_len, beam=beam, eos=self.spec.eos_id,
                               temperature=temperature, top_k=top_k, greedy=greedy,
                               generator=generator)
