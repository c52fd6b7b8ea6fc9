"""Lightning's rich model summary without its FLOPs column and "Total FLOPs" line.

Lightning counts FLOPs with torch's FlopCounterMode on `example_input_array`; the task has
none, and the counter cannot see inside torch's fused RNN kernels anyway, so it printed 0.
"""

from __future__ import annotations

from pytorch_lightning.callbacks import RichModelSummary
from pytorch_lightning.utilities.model_summary import get_human_readable_count
from pytorch_lightning.utilities.model_summary.model_summary import get_formatted_model_size

LEFT = (" ", "Name", "Type", "Mode")


class ModelSummary(RichModelSummary):
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
            "Trainable params": get_human_readable_count(int(trainable_parameters)),
            "Non-trainable params": get_human_readable_count(
                int(total_parameters - trainable_parameters)),
            "Total params": get_human_readable_count(int(total_parameters)),
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
