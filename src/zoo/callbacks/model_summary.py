"""Lightning's rich model summary with exact parameter counts, as Keras's `model.summary()`
prints them (98,816, not "98.8 K"), and without its FLOPs column and "Total FLOPs" line.

Lightning counts FLOPs with torch's FlopCounterMode on `example_input_array`; the task has
none, and the counter cannot see inside torch's fused RNN kernels anyway, so it printed 0.
"""

from __future__ import annotations

from pytorch_lightning.callbacks import RichModelSummary
from pytorch_lightning.utilities.model_summary import ModelSummary as Summary
from pytorch_lightning.utilities.model_summary.model_summary import get_formatted_model_size

LEFT = (" ", "Name", "Type", "Mode")


class ExactCounts(Summary):
    """Lightning's per-module table with each module's count in full."""

    def _get_summary_data(self):
        exact = [f"{n:,}" for n in self.param_nums]
        return [(name, exact + values[len(exact):] if name == "Params" else values)
                for name, values in super()._get_summary_data()]


class ModelSummary(RichModelSummary):
    def _summary(self, trainer, pl_module):
        return ExactCounts(pl_module, max_depth=self._max_depth)

    @staticmethod
    def summarize(summary_data, total_parameters: int, trainable_parameters: int,
                  model_size: float, total_training_modes: dict, total_flops: int,
                  **summarize_kwargs) -> None:
        from rich import get_console
        from rich.table import Table

        columns = [(name, values) for name, values in summary_data if name != "FLOPs"]
        table = Table(header_style=summarize_kwargs.get("header_style", "bold magenta"))
        for name, _ in columns:
            table.add_column(name, justify="left" if name in LEFT else "right",
                             no_wrap=name == "Name", style="dim" if name == " " else None)
        for row in zip(*(values for _, values in columns), strict=True):
            table.add_row(*row)
        totals = {
            "Trainable params": f"{int(trainable_parameters):,}",
            "Non-trainable params": f"{int(total_parameters - trainable_parameters):,}",
            "Total params": f"{int(total_parameters):,}",
            "Total estimated model params size (MB)": get_formatted_model_size(model_size),
            "Modules in train mode": total_training_modes["train"],
            "Modules in eval mode": total_training_modes["eval"],
        }
        grid = Table.grid(expand=True)
        grid.add_column()
        for name, value in totals.items():
            grid.add_row(f"[bold]{name}[/]: {value}")
        console = get_console()
        console.print(table)
        console.print(grid)
