"""Hydra's basic launcher (one job after another, in this process), resuming its sweep."""

from __future__ import annotations

from hydra._internal.core_plugins.basic_launcher import BasicLauncher as HydraBasicLauncher

from zoo.sweep.resume import Job, ResumingLauncher


class BasicLauncher(ResumingLauncher, HydraBasicLauncher):
    def run_numbered(self, jobs: list[Job]):
        return [HydraBasicLauncher.launch(self, [overrides], number)[0]
                for number, overrides in jobs]
