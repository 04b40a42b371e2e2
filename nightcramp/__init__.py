"""nightcramp: a night diary, guidance and honest statistics for nocturnal leg cramps."""

__version__ = "0.1.0"
