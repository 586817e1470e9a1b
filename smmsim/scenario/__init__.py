"""Scenario configs: one runnable campaign, the unit that YAML, the CLI, sweeps and
notebook parameters all build.

config     ScenarioConfig and its sections; load_config and the example files
content    ContentConfig
levers     the marketing levers under one budget
earned     reviews, correction and crisis
"""

from .config import (
    DEFAULT_HEADER,
    CampaignConfig,
    DynamicsConfig,
    ScenarioConfig,
    SeedingConfig,
    default_config_path,
    example_path,
    load_config,
    to_commented_yaml,
)

__all__ = [
    "DynamicsConfig",
    "SeedingConfig",
    "CampaignConfig",
    "ScenarioConfig",
    "load_config",
    "default_config_path",
    "example_path",
    "to_commented_yaml",
    "DEFAULT_HEADER",
]
